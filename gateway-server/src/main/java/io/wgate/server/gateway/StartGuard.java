package io.wgate.server.gateway;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a gateway's start-up be stopped from another thread (the shutdown hook on SIGTERM): the stopper
 * marks the start as aborted and interrupts the starting thread, which ends DNS retries, a running hook
 * (its process is killed) and waits on the event loop; start-up then rolls back what it did, and the
 * stopper waits for that rollback before it tears down anything else. Start-up also checks
 * {@link #checkNotAborted()} between its steps, for work that does not notice interrupts.
 */
final class StartGuard {

    /** Thrown by {@link #checkNotAborted()}. */
    static final class AbortedException extends Exception {
        AbortedException() {
            super("start-up stopped: the gateway was asked to shut down");
        }
    }

    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread starter;
    private boolean begun;
    private boolean aborted;
    private boolean interruptible = true;

    /** Called by the starting thread first; false when the start was aborted before it began (or runs already). */
    synchronized boolean begin() {
        if (aborted || begun) {
            return false;
        }
        begun = true;
        starter = Thread.currentThread();
        return true;
    }

    /**
     * Called by the starting thread when it begins to roll back a failed start: from now on an abort
     * only waits and no longer interrupts it, so the undo commands run to the end. The caller then
     * clears its interrupt status ({@link Thread#interrupted()}).
     */
    synchronized void rollingBack() {
        interruptible = false;
    }

    /** Called by the starting thread last, after its rollback if it failed. */
    void end() {
        synchronized (this) {
            starter = null;
        }
        finished.countDown();
    }

    /** Whether a stop was requested. */
    synchronized boolean aborted() {
        return aborted;
    }

    /** Throws when a stop was requested; start-up calls it between steps. */
    void checkNotAborted() throws AbortedException {
        if (aborted()) {
            throw new AbortedException();
        }
    }

    /**
     * Stops a start-up in progress on another thread and waits up to {@code timeout} for it to finish
     * rolling back. Later starts are refused.
     *
     * @return true when no start-up runs any more
     */
    boolean abortAndAwait(Duration timeout) {
        Thread running;
        synchronized (this) {
            boolean first = !aborted;
            aborted = true;
            running = starter;
            if (running == null || running == Thread.currentThread()) {
                return true;
            }
            if (first && interruptible) {
                running.interrupt();
            }
        }
        boolean interrupted = false;
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return finished.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
