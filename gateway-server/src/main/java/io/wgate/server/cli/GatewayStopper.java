package io.wgate.server.cli;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a gateway process: SIGTERM (on which it undoes its host changes itself), a bounded wait, then
 * SIGKILL and another bounded wait. Whether each signal could be sent is checked: one that may not be
 * sent (another user's process, without root) ends the attempt at once instead of waiting for an exit
 * that will not come. Every wait is bounded.
 */
final class GatewayStopper {

    /** How a stop ended. */
    enum Outcome {
        /** It exited after SIGTERM (or was gone already). */
        STOPPED,
        /** It did not exit within the grace period and was killed. */
        KILLED,
        /** Signalling it is not permitted. */
        NOT_PERMITTED,
        /** It still runs even after SIGKILL (stuck in the kernel). */
        STILL_RUNNING
    }

    /** systemd's unit stops wgate with a 30 s timeout too ({@code TimeoutStopSec}). */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    static final Duration DEFAULT_KILL_WAIT = Duration.ofSeconds(10);

    private final Duration grace;
    private final Duration killWait;

    GatewayStopper(Duration grace, Duration killWait) {
        this.grace = grace;
        this.killWait = killWait;
    }

    static GatewayStopper standard() {
        return new GatewayStopper(DEFAULT_GRACE, DEFAULT_KILL_WAIT);
    }

    Duration grace() {
        return grace;
    }

    /** Stops {@code process}; see the class comment. */
    Outcome stop(ProcessHandle process) {
        if (!process.isAlive()) {
            return Outcome.STOPPED;
        }
        if (!process.destroy()) {
            return process.isAlive() ? Outcome.NOT_PERMITTED : Outcome.STOPPED;
        }
        if (awaitExit(process, grace)) {
            return Outcome.STOPPED;
        }
        if (!process.destroyForcibly()) {
            return process.isAlive() ? Outcome.NOT_PERMITTED : Outcome.STOPPED;
        }
        return awaitExit(process, killWait) ? Outcome.KILLED : Outcome.STILL_RUNNING;
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }
}
