package io.wgate.server.demo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the receiving iperf3 server counted in a UDP test ({@code iperf3 -c ... -u -J}): the {@code end.sum_received}
 * object of the client's JSON report (iperf3 3.12; its {@code end.sum} mixes the sender's rate with the receiver's
 * loss). Read with patterns, since the tests have no JSON library; the object holds only numbers and a boolean.
 *
 * @param packets        datagrams the receiver accounted for (received and lost)
 * @param lostPackets    datagrams it found missing (gaps in iperf3's sequence numbers)
 * @param bitsPerSecond  payload rate it received
 */
record Iperf3Udp(long packets, long lostPackets, double bitsPerSecond) {

    private static final Pattern SUM_RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{([^}]*)}");

    /** Lost datagrams in percent of those accounted for (100 when none were). */
    double lostPercent() {
        return packets == 0 ? 100 : 100.0 * lostPackets / packets;
    }

    double megabitsPerSecond() {
        return bitsPerSecond / 1e6;
    }

    /** The receiver's figures from a client's JSON report, if it has them. */
    static Optional<Iperf3Udp> parse(String json) {
        Matcher sum = SUM_RECEIVED.matcher(json);
        if (!sum.find()) {
            return Optional.empty();
        }
        String body = sum.group(1);
        Optional<String> packets = field(body, "packets");
        Optional<String> lost = field(body, "lost_packets");
        Optional<String> rate = field(body, "bits_per_second");
        if (packets.isEmpty() || lost.isEmpty() || rate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Iperf3Udp(Long.parseLong(packets.get()), Long.parseLong(lost.get()),
                Double.parseDouble(rate.get())));
    }

    private static Optional<String> field(String body, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return String.format("%.0f Mbit/s received, %d of %d datagrams lost (%.2f %%)", megabitsPerSecond(),
                lostPackets, packets, lostPercent());
    }
}
