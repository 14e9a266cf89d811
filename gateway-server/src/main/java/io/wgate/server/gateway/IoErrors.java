package io.wgate.server.gateway;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Failures of the I/O layer below the engine: datagrams the UDP socket could not send (no route to
 * the endpoint, network unreachable) and packets the TUN device rejected (interface down). Each is
 * counted; the log gets the first failure of a burst with its cause and then at most one summary line
 * per {@link #LOG_INTERVAL_NANOS}, never a line per packet. Written on the event loop that saw the
 * failure; the counters may be read from any thread.
 */
final class IoErrors {

    /** Shortest time between two log lines about the same kind of failure. */
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private static final System.Logger LOG = System.getLogger(IoErrors.class.getName());
    private static final VarHandle UDP_SEND_FAILURES;
    private static final VarHandle TUN_WRITE_FAILURES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            UDP_SEND_FAILURES = lookup.findVarHandle(IoErrors.class, "udpSendFailures", long.class);
            TUN_WRITE_FAILURES = lookup.findVarHandle(IoErrors.class, "tunWriteFailures", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One kind of failure and its log throttle. */
    private static final class Throttle {
        private final String what;
        private long lastLogNanos;
        private long suppressed;
        private boolean logged;

        Throttle(String what) {
            this.what = what;
        }

        void failed(Throwable cause, long nowNanos) {
            if (!logged) {
                logged = true;
                lastLogNanos = nowNanos;
                LOG.log(Level.WARNING, "{0}: {1} (further failures are counted and summarised once a minute)",
                        what, describe(cause));
                return;
            }
            suppressed++;
            if (nowNanos - lastLogNanos >= LOG_INTERVAL_NANOS) {
                LOG.log(Level.WARNING, "{0} more times in the last minute: {1}; latest: {2}",
                        Long.toString(suppressed), what, describe(cause));
                suppressed = 0;
                lastLogNanos = nowNanos;
            }
        }
    }

    private final Throttle udp = new Throttle("cannot send a datagram");
    private final Throttle tun = new Throttle("the TUN device rejected a packet");
    private long udpSendFailures;
    private long tunWriteFailures;

    /** A UDP send failed. */
    void udpSendFailed(Throwable cause, long nowNanos) {
        UDP_SEND_FAILURES.setOpaque(this, udpSendFailures + 1);
        udp.failed(cause, nowNanos);
    }

    /** A TUN write failed. */
    void tunWriteFailed(Throwable cause, long nowNanos) {
        TUN_WRITE_FAILURES.setOpaque(this, tunWriteFailures + 1);
        tun.failed(cause, nowNanos);
    }

    /** Datagrams the socket failed to send; any thread. */
    long udpSendFailures() {
        return (long) UDP_SEND_FAILURES.getOpaque(this);
    }

    /** Packets the TUN device rejected; any thread. */
    long tunWriteFailures() {
        return (long) TUN_WRITE_FAILURES.getOpaque(this);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
