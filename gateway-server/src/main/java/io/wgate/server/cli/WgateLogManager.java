package io.wgate.server.cli;

import java.util.logging.LogManager;

/**
 * wgate's {@code java.util.logging} manager ({@code -Djava.util.logging.manager}, which {@code Main}
 * sets as its very first statement, before anything can initialise logging): the JDK's, except that a
 * {@link #reset()} while a {@link ShutdownLogging} hold is open (the JDK's shutdown hook resetting
 * logging while ours still tears the gateway down) is deferred until the hold is released, so the
 * teardown's log lines still reach the log.
 */
public final class WgateLogManager extends LogManager {

    /** Public no-argument constructor: {@code LogManager} instantiates the class named by the property. */
    public WgateLogManager() {
    }

    @Override
    public void reset() {
        if (!ShutdownLogging.defer(this::resetNow)) {
            super.reset();
        }
    }

    private void resetNow() {
        super.reset();
    }
}
