package io.wgate.server.cli;

import io.wgate.server.Main;

/**
 * Run in a JVM of its own by {@link WgateLogManagerTest}: takes a {@link ShutdownLogging} hold and
 * registers a shutdown hook that logs once the JDK's own logging hook has had time to reset logging,
 * then hands over to {@link Main#main} (which sets the logging manager first thing, configures logging,
 * runs {@code help} and exits). Nothing here may initialise java.util.logging before {@code Main} does.
 */
public final class ShutdownLogProbe {

    private ShutdownLogProbe() {
    }

    public static void main(String[] args) {
        ShutdownLogging.Hold hold = ShutdownLogging.hold();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(500); // the JDK's Logging-Cleaner hook runs meanwhile
                System.getLogger("probe").log(System.Logger.Level.WARNING, "PostDown wgt-probe0: logged while stopping");
                System.out.println("manager=" + java.util.logging.LogManager.getLogManager().getClass().getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hold.close();
            }
        }));
        Main.main(new String[] {"help"});
    }
}
