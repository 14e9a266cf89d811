package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Redaction;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The host commands of {@link LinkSetup} and {@link LinkTeardown}: each change is logged the way
 * wg-quick echoes it ({@code [#] ip -4 address add ...}) and must succeed; hooks run with
 * {@code bash -c}, {@code %i} replaced by the interface name, and their output goes to the log.
 *
 * <p>Hooks are configuration, and a user may have put a key into one ({@code PostUp = wg set %i
 * private-key <(echo ...)}) or run one that prints a key ({@code wg showconf %i}). Their command lines
 * and output are still logged, as wg-quick echoes them, because that is what makes a failing hook
 * debuggable; but every run shaped like a key (32 or more hex digits, or a base64 run with mixed case)
 * is replaced by {@code (key material hidden)} first ({@link Redaction#text}).
 */
final class HostCommands {

    private static final System.Logger LOG = System.getLogger(LinkSetup.class.getName());

    private final CommandRunner runner;

    HostCommands(CommandRunner runner) {
        this.runner = runner;
    }

    /** Runs a query (any exit status is returned, nothing is logged). */
    CommandResult query(List<String> command) throws IOException {
        return runner.run(command);
    }

    /** wg-quick's check before it adds a route: {@code ip -4|-6 route show dev DEV match PREFIX} prints something. */
    boolean routeThroughExists(String dev, Prefix prefix) throws IOException {
        CommandResult r = query(List.of("ip", prefix.isIpv4() ? "-4" : "-6", "route", "show", "dev", dev, "match",
                prefix.toString()));
        return r.exitCode() == 0 && !r.stdout().isBlank();
    }

    /** Logs and runs a change; it must exit with status 0. */
    CommandResult exec(List<String> command) throws IOException {
        LOG.log(Level.INFO, "[#] {0}", CommandResult.display(command));
        return runner.check(command);
    }

    /** Runs {@code hooks} in order; the first failure stops them and is thrown. */
    void runHooks(String phase, List<String> hooks, String dev) throws IOException {
        for (String hook : hooks) {
            runHook(phase, hook, dev);
        }
    }

    /** Runs every one of {@code hooks}, adding failures to {@code problems}. */
    void runHooksKeepGoing(String phase, List<String> hooks, String dev, List<Exception> problems) {
        for (String hook : hooks) {
            try {
                runHook(phase, hook, dev);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0} {1}: {2}", phase, dev, e.getMessage());
                problems.add(e);
            }
        }
    }

    private void runHook(String phase, String hook, String dev) throws IOException {
        CommandResult r = exec(List.of("bash", "-c", hook.replace("%i", dev)));
        for (String line : (r.stdout() + r.stderr()).strip().lines().toList()) {
            LOG.log(Level.INFO, "{0} {1}: {2}", phase, dev, Redaction.text(line));
        }
    }
}
