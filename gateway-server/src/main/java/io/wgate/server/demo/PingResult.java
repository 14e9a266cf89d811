package io.wgate.server.demo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of a ping (iputils {@code ping}, or {@link Probe} where ping is missing).
 *
 * @param tool     what was used: {@code "ping"} or {@code "Java probe (InetAddress.isReachable)"}
 * @param sent     echo requests sent
 * @param received replies received
 * @param avgMillis average round-trip time, NaN without replies
 * @param output   the tool's whole output
 */
public record PingResult(String tool, int sent, int received, double avgMillis, String output) {

    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern RTT = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)(?:/[0-9.]+)? ms");

    /** Reads the summary lines of {@code output}; zero counts when there are none. */
    public static PingResult parse(String tool, String output) {
        Matcher counts = COUNTS.matcher(output);
        int sent = 0;
        int received = 0;
        if (counts.find()) {
            sent = Integer.parseInt(counts.group(1));
            received = Integer.parseInt(counts.group(2));
        }
        Matcher rtt = RTT.matcher(output);
        double avg = rtt.find() ? Double.parseDouble(rtt.group(2)) : Double.NaN;
        return new PingResult(tool, sent, received, avg, output);
    }

    /** Whether every request got a reply. */
    public boolean allReplied() {
        return sent > 0 && received == sent;
    }

    /** {@code 3/3 replies, avg rtt 0.93 ms (ping)}. */
    public String summary() {
        String rtt = Double.isNaN(avgMillis) ? "" : String.format(java.util.Locale.ROOT, ", avg rtt %.2f ms", avgMillis);
        return received + "/" + sent + " replies" + rtt + " (" + tool + ")";
    }
}
