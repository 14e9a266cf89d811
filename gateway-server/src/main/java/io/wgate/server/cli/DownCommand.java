package io.wgate.server.cli;

import io.wgate.server.net.LinkSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code wgate down NAME}: stops the gateway serving NAME (SIGTERM; it removes its routes, addresses,
 * hooks' effects and the interface itself) and waits for it. If that gateway died without cleaning
 * up, undoes its recorded host changes instead. NAME may also be given as the config file path.
 */
public final class DownCommand {

    static final String USAGE = "Usage: wgate down NAME";
    static final long STOP_TIMEOUT_SECONDS = 30;

    private DownCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1) {
            err.println(USAGE);
            return 1;
        }
        String name = nameOf(args.getFirst());
        RunFiles runFiles = RunFiles.system();
        Optional<ProcessHandle> process = runFiles.process(name);
        if (process.isPresent()) {
            ProcessHandle handle = process.get();
            handle.destroy();
            try {
                handle.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("wgate down: " + name + " (pid " + handle.pid() + ") did not stop within "
                        + STOP_TIMEOUT_SECONDS + " s; killing it");
                handle.destroyForcibly();
                handle.onExit().join();
                cleanup(name, err);
            }
            out.println("wgate: " + name + " is down");
            return 0;
        }
        if (cleanup(name, err)) {
            out.println("wgate: " + name + " was not running; removed the host changes it left behind");
            return 0;
        }
        err.println("wgate down: no gateway named " + name + " is running");
        return 1;
    }

    /** Undoes recorded host changes of a dead gateway; true if there were any. */
    private static boolean cleanup(String name, PrintStream err) {
        try {
            return LinkSetup.system().cleanup(name);
        } catch (IOException e) {
            err.println("wgate down: could not undo every change of " + name + ": " + e.getMessage());
            return true;
        }
    }

    /** {@code wg0}, or {@code /etc/wireguard/wg0.conf} → {@code wg0}. */
    static String nameOf(String argument) {
        String base = Path.of(argument).getFileName().toString();
        return base.endsWith(".conf") ? base.substring(0, base.length() - 5) : base;
    }
}
