package io.wgate.tun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Packet and drop counters of one {@link TunChannel}.
 *
 * <p>Written only by the channel's event loop as plain {@code long}s; any thread (the metrics side) may read them
 * through the getters, which use opaque reads so that values are never torn or hoisted out of a loop.
 */
public final class TunCounters {
    private static final VarHandle LONG_ARRAY = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PACKETS_READ = 0;
    private static final int BYTES_READ = 1;
    private static final int PACKETS_WRITTEN = 2;
    private static final int BYTES_WRITTEN = 3;
    private static final int GSO_TCP4_READS = 4;
    private static final int GSO_TCP6_READS = 5;
    private static final int GSO_UDP4_READS = 6;
    private static final int GSO_UDP6_READS = 7;
    private static final int CHECKSUMS_COMPLETED = 8;
    private static final int COALESCED_WRITES = 9;
    private static final int COALESCED_PACKETS = 10;
    private static final int FIRST_DROP = 11;

    private final long[] values = new long[FIRST_DROP + TunDropReason.count()];

    TunCounters() {
    }

    void onPacketRead(int bytes) {
        values[PACKETS_READ]++;
        values[BYTES_READ] += bytes;
    }

    void onGsoRead(boolean ipv4, boolean udp) {
        values[udp ? (ipv4 ? GSO_UDP4_READS : GSO_UDP6_READS) : (ipv4 ? GSO_TCP4_READS : GSO_TCP6_READS)]++;
    }

    void onCoalescedWrite(int packets, int bytes) {
        values[COALESCED_WRITES]++;
        values[COALESCED_PACKETS] += packets;
        values[PACKETS_WRITTEN] += packets;
        values[BYTES_WRITTEN] += bytes;
    }

    void onChecksumCompleted() {
        values[CHECKSUMS_COMPLETED]++;
    }

    void onPacketWritten(int bytes) {
        values[PACKETS_WRITTEN]++;
        values[BYTES_WRITTEN] += bytes;
    }

    void onDrop(TunDropReason reason, int packets) {
        values[FIRST_DROP + reason.ordinal()] += packets;
    }

    /** IP packets read from the interface and fired into the pipeline. */
    public long packetsRead() {
        return get(PACKETS_READ);
    }

    /** Bytes of those packets. */
    public long bytesRead() {
        return get(BYTES_READ);
    }

    /** Reads that returned a TCPv4 GSO super-packet (vnet-header queues only); each became several packets. */
    public long gsoTcp4Reads() {
        return get(GSO_TCP4_READS);
    }

    /** Reads that returned a TCPv6 GSO super-packet (vnet-header queues only). */
    public long gsoTcp6Reads() {
        return get(GSO_TCP6_READS);
    }

    /** Reads that returned a UDP-over-IPv4 GSO (USO) super-packet (vnet-header queues only). */
    public long gsoUdp4Reads() {
        return get(GSO_UDP4_READS);
    }

    /** Reads that returned a UDP-over-IPv6 GSO (USO) super-packet (vnet-header queues only). */
    public long gsoUdp6Reads() {
        return get(GSO_UDP6_READS);
    }

    /**
     * Writes that carried several packets coalesced into one GSO super-packet (vnet-header queues with write
     * coalescing only); each is one kernel write.
     */
    public long coalescedWrites() {
        return get(COALESCED_WRITES);
    }

    /** Packets those writes carried (also counted in {@link #packetsWritten()}). */
    public long coalescedPackets() {
        return get(COALESCED_PACKETS);
    }

    /** Non-GSO packets read with NEEDS_CSUM whose L4 checksum the channel completed (vnet-header queues only). */
    public long checksumsCompleted() {
        return get(CHECKSUMS_COMPLETED);
    }

    /** IP packets the kernel accepted from {@code write}. */
    public long packetsWritten() {
        return get(PACKETS_WRITTEN);
    }

    /** Bytes of those packets. */
    public long bytesWritten() {
        return get(BYTES_WRITTEN);
    }

    /** Packets dropped for {@code reason}. */
    public long dropped(TunDropReason reason) {
        return get(FIRST_DROP + reason.ordinal());
    }

    /** Packets dropped for any reason. */
    public long droppedTotal() {
        long total = 0;
        for (int i = 0; i < TunDropReason.count(); i++) {
            total += get(FIRST_DROP + i);
        }
        return total;
    }

    private long get(int index) {
        return (long) LONG_ARRAY.getOpaque(values, index);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TunCounters[read=").append(packetsRead())
                .append('/').append(bytesRead()).append("B, written=").append(packetsWritten())
                .append('/').append(bytesWritten()).append('B');
        if (gsoTcp4Reads() + gsoTcp6Reads() + gsoUdp4Reads() + gsoUdp6Reads() + checksumsCompleted()
                + coalescedWrites() > 0) {
            s.append(", gsoTcp4Reads=").append(gsoTcp4Reads()).append(", gsoTcp6Reads=").append(gsoTcp6Reads())
                    .append(", gsoUdp4Reads=").append(gsoUdp4Reads()).append(", gsoUdp6Reads=").append(gsoUdp6Reads())
                    .append(", checksumsCompleted=").append(checksumsCompleted())
                    .append(", coalescedWrites=").append(coalescedWrites()).append('/').append(coalescedPackets());
        }
        for (int i = 0; i < TunDropReason.count(); i++) {
            s.append(", ").append(TunDropReason.of(i)).append('=').append(get(FIRST_DROP + i));
        }
        return s.append(']').toString();
    }
}
