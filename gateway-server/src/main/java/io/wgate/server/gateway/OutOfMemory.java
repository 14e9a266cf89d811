package io.wgate.server.gateway;

import java.lang.System.Logger.Level;
import java.util.function.IntConsumer;

/**
 * What the gateway does when memory runs out: it logs one line and ends the process with status
 * {@value #EXIT_STATUS}, so that systemd or Docker starts a fresh one; it never runs on half alive. The JVM's own
 * {@code -XX:+ExitOnOutOfMemoryError} (set by the launcher and the image) covers the heap; this covers what the JVM
 * does not see as its own: Netty's {@code OutOfDirectMemoryError} when its direct-memory cap is reached, and a
 * {@code java.nio} direct-buffer reservation that fails. It halts without running the shutdown hooks: cleaning up
 * needs memory too, and the next {@code wgate up} undoes what a gateway that died left behind.
 *
 * <p>Threads: any; {@link #check} is called by the pipelines' exception handlers (on the event loops) and by the
 * default uncaught-exception handler {@link #install} sets.
 */
public final class OutOfMemory {

    /** The process's exit status after running out of memory (the JVM's ExitOnOutOfMemoryError uses 3 too). */
    public static final int EXIT_STATUS = 3;
    private static final System.Logger LOG = System.getLogger(OutOfMemory.class.getName());
    private static volatile IntConsumer halt = status -> Runtime.getRuntime().halt(status);

    private OutOfMemory() {
    }

    /**
     * Ends the process when {@code failure} or one of its causes is an {@link OutOfMemoryError}; otherwise returns
     * false and does nothing.
     */
    public static boolean check(Throwable failure, String where) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError error) {
                try {
                    LOG.log(Level.ERROR, "out of memory in {0} ({1}: {2}); exiting with status {3} so that the"
                            + " service manager restarts the gateway", where, error.getClass().getName(),
                            error.getMessage(), EXIT_STATUS);
                } finally {
                    halt.accept(EXIT_STATUS);
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Makes an {@link OutOfMemoryError} that escapes any thread end the process; other uncaught exceptions go to the
     * handler that was there before (or are printed, as the JVM does by default).
     */
    public static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (check(failure, "thread " + thread.getName())) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                failure.printStackTrace(System.err);
            }
        });
    }

    /** Replaces how the process is ended (tests); returns what was there. */
    static IntConsumer replaceHalt(IntConsumer replacement) {
        IntConsumer old = halt;
        halt = replacement;
        return old;
    }
}
