package io.wgate.server.demo;

import java.io.IOException;

/**
 * The kernel's packet and byte counters of one network device ({@code /sys/class/net/DEV/statistics}, read inside
 * its namespace). On a TUN device the kernel counts one packet per buffer it hands over or takes, so a GSO
 * super-packet counts once with all its bytes: more bytes than {@code packets x MTU} in one direction proves that
 * super-packets crossed the device that way. {@code tx} is what the kernel gave the gateway to read, {@code rx}
 * what the gateway wrote; {@code txDropped} counts packets the kernel dropped because the gateway did not read
 * them fast enough (the TUN queue was full).
 */
record LinkCounters(long rxBytes, long rxPackets, long txBytes, long txPackets, long txDropped) {

    static LinkCounters read(Shell shell, String namespace, String device) throws IOException {
        String dir = "/sys/class/net/" + device + "/statistics/";
        String[] values = shell.checkIn(Shell.DEFAULT_TIMEOUT, namespace, "cat", dir + "rx_bytes", dir + "rx_packets",
                dir + "tx_bytes", dir + "tx_packets", dir + "tx_dropped").stdout().strip().split("\\s+");
        return new LinkCounters(Long.parseLong(values[0]), Long.parseLong(values[1]), Long.parseLong(values[2]),
                Long.parseLong(values[3]), Long.parseLong(values[4]));
    }

    /** What crossed the device since {@code before}. */
    LinkCounters since(LinkCounters before) {
        return new LinkCounters(rxBytes - before.rxBytes, rxPackets - before.rxPackets, txBytes - before.txBytes,
                txPackets - before.txPackets, txDropped - before.txDropped);
    }

    /** Whether the gateway read more bytes than {@code mtu}-sized packets can hold: super-packets. */
    boolean superPacketsRead(int mtu) {
        return txBytes > txPackets * mtu;
    }

    /** Whether the gateway wrote more bytes than {@code mtu}-sized packets can hold: coalesced super-packets. */
    boolean superPacketsWritten(int mtu) {
        return rxBytes > rxPackets * mtu;
    }

    @Override
    public String toString() {
        return "gateway read " + txPackets + " packets / " + txBytes + " bytes (" + average(txBytes, txPackets)
                + " per packet), wrote " + rxPackets + " / " + rxBytes + " (" + average(rxBytes, rxPackets) + ")"
                + (txDropped == 0 ? "" : ", " + txDropped + " dropped unread");
    }

    private static long average(long bytes, long packets) {
        return packets == 0 ? 0 : bytes / packets;
    }
}
