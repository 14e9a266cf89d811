package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * Writes the flushed packets of a {@link TunChannel} to its queue: one write per packet, or, on a vnet-header
 * queue with coalescing on, one write per group of packets that {@link GroCoalescer} merges into a GSO
 * super-packet. The outbound buffer keeps its order: packets leave from its head, each removed (and released) once
 * the write that carried it succeeded.
 *
 * <p>A packet the kernel rejects is dropped as {@link TunDropReason#WRITE_REJECTED} and its promise fails; a
 * coalesced write the kernel rejects switches that kind of coalescing (TCP or UDP) off with one log line, and its
 * packets are written one by one instead.
 *
 * <p>Event loop of the channel only.
 */
final class TunWriter {
    private static final System.Logger LOG = System.getLogger(TunWriter.class.getName());

    /** How a write pass ended. */
    enum Outcome {
        /** Nothing is left to write. */
        DRAINED,
        /** The queue is full (EAGAIN): wait for EPOLLOUT. */
        BLOCKED,
        /** The pass used its budget: continue in a later task so other channels run. */
        BUDGET_SPENT
    }

    private final TunQueue queue;
    private final TunCounters counters;
    private final GroCoalescer coalescer = new GroCoalescer();
    /** The flushed packets at the head of the outbound buffer, filled by {@link #collect}; loop thread only. */
    private final ByteBuf[] window = new ByteBuf[GroCoalescer.MAX_SEGMENTS];
    private int windowSize;
    private final ChannelOutboundBuffer.MessageProcessor collector = msg -> {
        window[windowSize++] = (ByteBuf) msg;
        return windowSize < window.length;
    };
    private boolean coalescing;
    /** How a prepared group is written: the queue's {@code writev}; replaced in tests to see the fallback. */
    private VectorWrite vectorWrite;

    /** {@link TunQueue#writeVector}'s shape. */
    @FunctionalInterface
    interface VectorWrite {
        long write(long iovecs, int count) throws IOException;
    }

    TunWriter(TunQueue queue, TunCounters counters) {
        this.vectorWrite = queue::writeVector;
        this.queue = queue;
        this.counters = counters;
        coalescer.setUdp(queue.udpSegmentation());
        coalescing = queue.vnetHeader();
    }

    /** Replaces how coalesced groups are written (tests). */
    void setVectorWrite(VectorWrite replacement) {
        vectorWrite = replacement;
    }

    /** Whether packets are coalesced on write (vnet-header queues only; on by default there). */
    boolean coalescing() {
        return coalescing;
    }

    /** Turns write coalescing on or off; it stays off on a queue without a vnet header. */
    void setCoalescing(boolean on) {
        coalescing = on && queue.vnetHeader();
    }

    /** Whether UDP packets are coalesced too (the kernel accepted the UDP segmentation offload). */
    boolean coalescingUdp() {
        return coalescing && coalescer.udp();
    }

    /** Whether TCP packets are coalesced (on unless a coalesced write was refused). */
    boolean coalescingTcp() {
        return coalescing && coalescer.tcp();
    }

    /**
     * Writes what is flushed in {@code in}, at most {@code budget} kernel writes.
     *
     * @throws IOException when the fd is unusable (the channel closes)
     */
    Outcome write(ChannelOutboundBuffer in, int budget, String name) throws IOException {
        int writes = budget;
        for (;;) {
            collect(in);
            if (windowSize == 0) {
                return Outcome.DRAINED;
            }
            for (int pos = 0; pos < windowSize; ) {
                if (writes-- == 0) {
                    clearWindow();
                    return Outcome.BUDGET_SPENT;
                }
                skipToward(in, window[pos]);
                int count = coalescing ? coalescer.group(window, pos, windowSize) : 1;
                if (count > 1 && pos > 0 && pos + count == windowSize && windowSize == window.length) {
                    break; // the group may go on past the window: look again with the window starting at it
                }
                int written = count == 1 ? writeOne(in, window[pos], name) : writeGroup(in, pos, count, name);
                if (written < 0) {
                    clearWindow();
                    return Outcome.BLOCKED;
                }
                pos += written;
            }
            clearWindow();
        }
    }

    private void collect(ChannelOutboundBuffer in) {
        windowSize = 0;
        try {
            in.forEachFlushedMessage(collector);
        } catch (Exception e) {
            throw new IllegalStateException("collecting the packets to write failed", e); // the collector never throws
        }
    }

    /**
     * Removes entries ahead of {@code packet} at the head of {@code in}: a write whose promise was cancelled stays
     * in the outbound buffer (holding an empty buffer) but is not visited by {@link #collect}.
     */
    private static void skipToward(ChannelOutboundBuffer in, ByteBuf packet) {
        while (in.current() != packet && in.current() != null) {
            in.remove();
        }
    }

    private void clearWindow() {
        Arrays.fill(window, 0, windowSize, null);
        windowSize = 0;
    }

    /** Writes the packet at the head of {@code in}: 1 when it was written or dropped, -1 on EAGAIN. */
    private int writeOne(ChannelOutboundBuffer in, ByteBuf buf, String name) throws IOException {
        int length = buf.readableBytes();
        if (length == 0) { // not a packet; the kernel would reject it too
            counters.onDrop(TunDropReason.WRITE_REJECTED, 1);
            in.remove(new IOException("TUN interface '" + name + "': cannot write an empty packet"));
            return 1;
        }
        int written;
        try {
            written = queue.write(buf);
        } catch (IOException e) {
            if (TunIoErrors.isFatal(e)) {
                throw TunIoErrors.explain(name, "write", e);
            }
            counters.onDrop(TunDropReason.WRITE_REJECTED, 1);
            in.remove(TunIoErrors.explain(name, "write", e));
            return 1;
        }
        if (written == 0) { // EAGAIN: keep the packet queued until the fd is writable again
            return -1;
        }
        counters.onPacketWritten(length);
        in.remove();
        return 1;
    }

    /**
     * Writes the group the coalescer prepared for the {@code count} packets at the head of {@code in}: the count on
     * success, -1 on EAGAIN, 0 when the kernel refused the super-packet (coalescing of that kind is then off and the
     * packets stay queued, to be written one by one).
     */
    private int writeGroup(ChannelOutboundBuffer in, int pos, int count, String name) throws IOException {
        long written;
        try {
            written = vectorWrite.write(coalescer.iovecs(), coalescer.iovecCount());
        } catch (IOException e) {
            if (TunIoErrors.isFatal(e)) {
                throw TunIoErrors.explain(name, "write", e);
            }
            boolean udp = isUdp(window[pos]);
            LOG.log(Level.WARNING, "TUN interface {0} refused a coalesced {1} write of {2} packets ({3}); writing {1}"
                    + " packets one by one from now on", name, udp ? "UDP" : "TCP", count,
                    Errno.describe(TunIoErrors.errno(e)));
            if (udp) {
                coalescer.setUdp(false);
            } else {
                coalescer.setTcp(false);
            }
            return 0;
        }
        if (written == 0) {
            return -1;
        }
        counters.onCoalescedWrite(count, coalescer.groupBytes());
        for (int i = 0; i < count; i++) {
            skipToward(in, window[pos + i]);
            in.remove();
        }
        return count;
    }

    /** Whether {@code packet} (IPv4 or IPv6 without extension headers, as groups are) carries UDP. */
    private static boolean isUdp(ByteBuf packet) {
        int r = packet.readerIndex();
        boolean v4 = packet.getUnsignedByte(r) >>> 4 == 4;
        return packet.getUnsignedByte(r + (v4 ? 9 : 6)) == GsoSplitter.PROTO_UDP;
    }
}
