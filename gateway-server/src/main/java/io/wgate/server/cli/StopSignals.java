package io.wgate.server.cli;

import java.lang.System.Logger.Level;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end a foreground gateway in order and with exit status 0, so that {@code systemctl stop},
 * {@code podman stop}, {@code docker stop}, {@code wgate down} and Ctrl-C count as clean stops. The JVM's own
 * handlers run the same shutdown hooks (the teardown: PreDown, routes, rules, addresses, the link, PostDown), but
 * exit with 128 + the signal's number (143, 130), which systemd and container engines report as a failure.
 *
 * <p>The handler only asks: {@code System.exit(0)} runs the shutdown hooks ({@link ForegroundGateway}'s teardown)
 * and exits with 0 once they are done. A second signal while they run changes nothing; the status stays 0. Threads:
 * the JVM's signal dispatch thread.
 */
final class StopSignals {

    private static final System.Logger LOG = System.getLogger(StopSignals.class.getName());

    private StopSignals() {
    }

    /** Installs the handlers for the gateway {@code name}. */
    static void install(String name) {
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(signal), received -> {
                    LOG.log(Level.INFO, "{0}: SIG{1}: stopping", name, received.getName());
                    System.exit(0);
                });
            } catch (IllegalArgumentException e) { // -Xrs: the JVM leaves the signal to its default action
                LOG.log(Level.WARNING, "{0}: cannot handle SIG{1} ({2}): it ends the gateway without its teardown;"
                        + " run without -Xrs", name, signal, e.getMessage());
            }
        }
    }
}
