package io.wgate.server.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The demo's stand-in for {@code ping} where iputils is not installed, run inside a namespace
 * ({@code java -cp wgate.jar io.wgate.server.demo.Probe HOST COUNT}): times
 * {@link InetAddress#isReachable(int)}, which sends ICMP echo requests when run as root. Its summary
 * lines have ping's wording ({@code 3 packets transmitted, 3 received} and
 * {@code rtt min/avg/max/mdev = ... ms}) so {@link PingResult} reads both. Exit status 0 when any reply came.
 */
public final class Probe {

    static final int TIMEOUT_MILLIS = 2_000;
    static final long INTERVAL_MILLIS = 200;

    private Probe() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("Usage: java -cp wgate.jar io.wgate.server.demo.Probe HOST COUNT");
            System.exit(2);
        }
        int count = Integer.parseInt(args[1]);
        InetAddress target;
        try {
            target = InetAddress.getByName(args[0]);
        } catch (IOException e) {
            System.err.println("probe: " + e.getMessage());
            System.exit(2);
            return;
        }
        int received = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        for (int i = 1; i <= count; i++) {
            long startNanos = System.nanoTime();
            boolean reply;
            try {
                reply = target.isReachable(TIMEOUT_MILLIS);
            } catch (IOException e) {
                reply = false;
            }
            double millis = (System.nanoTime() - startNanos) / 1e6;
            if (reply) {
                received++;
                min = Math.min(min, millis);
                max = Math.max(max, millis);
                sum += millis;
                System.out.printf(Locale.ROOT, "reply from %s: seq=%d time=%.3f ms%n", args[0], i, millis);
            } else {
                System.out.printf(Locale.ROOT, "no reply from %s: seq=%d within %d ms%n", args[0], i, TIMEOUT_MILLIS);
            }
            if (i < count) {
                Thread.sleep(INTERVAL_MILLIS);
            }
        }
        System.out.printf(Locale.ROOT, "%d packets transmitted, %d received%n", count, received);
        if (received > 0) {
            System.out.printf(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/0.000 ms%n", min, sum / received, max);
        }
        System.exit(received > 0 ? 0 : 1);
    }
}
