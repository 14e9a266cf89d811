package io.wgate.server.cli;

/**
 * Keeps log output working while wgate's own shutdown hook runs. The JDK's {@code LogManager} resets
 * logging (removes and closes every handler) in a shutdown hook of its own, which runs concurrently
 * with ours, so PreDown/PostDown output and teardown failures logged by our hook would be lost.
 * {@link WgateLogManager} defers that reset while a {@link Hold} is open; the hook that needs logging
 * takes a hold before shutdown can begin (when it is registered) and closes it when it is done, which
 * runs the deferred reset.
 *
 * <p>Deliberately not a {@code LogManager} subclass: taking a hold must not initialise
 * {@code java.util.logging} (which would fix the manager class before {@code Main} chose it).
 */
public final class ShutdownLogging {

    private static int holds;
    private static Runnable pendingReset;

    private ShutdownLogging() {
    }

    /** Keeps the log handlers open until the returned hold is closed (idempotent close). */
    public static synchronized Hold hold() {
        holds++;
        return new Hold();
    }

    /**
     * Called by {@link WgateLogManager#reset()}: when a hold is open, remembers {@code reset} for the
     * last hold's close and returns true; otherwise returns false and the caller resets at once.
     */
    static synchronized boolean defer(Runnable reset) {
        if (holds == 0) {
            return false;
        }
        pendingReset = reset;
        return true;
    }

    private static void release() {
        Runnable reset;
        synchronized (ShutdownLogging.class) {
            holds--;
            if (holds > 0 || pendingReset == null) {
                return;
            }
            reset = pendingReset;
            pendingReset = null;
        }
        reset.run();
    }

    /** An open hold; {@link #close()} releases it. */
    public static final class Hold implements AutoCloseable {
        private boolean closed;

        private Hold() {
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release();
        }
    }
}
