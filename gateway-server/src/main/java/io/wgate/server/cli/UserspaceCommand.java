package io.wgate.server.cli;

import io.wgate.metrics.ListenAddress;
import io.wgate.metrics.MetricsOptions;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.CpuList;
import io.wgate.server.gateway.Gateway;
import io.wgate.server.gateway.GatewayOptions;
import io.wgate.server.gateway.Offloads;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code wgate userspace [-f|--foreground] IFNAME} (the {@code wgate-userspace} script): wireguard-go's command-line
 * contract, so that wg-quick can drive wgate ({@code WG_QUICK_USERSPACE_IMPLEMENTATION=wgate-userspace}). It creates
 * the TUN device {@code IFNAME} and its UAPI socket, with no key, no peers and no addresses
 * ({@link Gateway#createUserspace}); wg-quick then configures it with {@code wg} and {@code ip}. Without
 * {@code -f} (and without {@code WG_PROCESS_FOREGROUND=1}) it returns once the socket listens, leaving the gateway
 * in the background ({@link Daemon}); with it, this process is the gateway. Either way the gateway exits when its
 * link is deleted ({@code wg-quick down} runs {@code ip link delete}) or its socket file is, and on SIGTERM.
 * {@code LOG_LEVEL} works as for every command. See wireguard-go's {@code main.go} for the contract.
 */
public final class UserspaceCommand {

    static final String USAGE = "Usage: wgate userspace [-f|--foreground] INTERFACE-NAME";
    /** wireguard-go's variable: "1" keeps the process in the foreground, as {@code -f} does. */
    static final String FOREGROUND_VARIABLE = "WG_PROCESS_FOREGROUND";

    private UserspaceCommand() {
    }

    /** The parsed command line. */
    record Arguments(String name, boolean foreground) {
    }

    /**
     * Parses the arguments after {@code userspace}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Arguments parse(List<String> args) {
        String name = null;
        boolean foreground = false;
        for (String arg : args) {
            if (arg.equals("-f") || arg.equals("--foreground")) {
                foreground = true;
            } else if (arg.startsWith("-") || name != null) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            } else if (!WgQuickConfig.isValidInterfaceName(arg)) {
                throw new IllegalArgumentException("'" + arg + "' is not a valid interface name; use 1-15 characters"
                        + " from a-z A-Z 0-9 _ = + . -");
            } else {
                name = arg;
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("missing INTERFACE-NAME");
        }
        return new Arguments(name, foreground);
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, RunFiles.system());
    }

    static int run(List<String> args, PrintStream out, PrintStream err, RunFiles runFiles) {
        Arguments arguments;
        UpCommand.Arguments settings;
        try {
            arguments = parse(args);
            settings = settings(System.getenv(Offloads.ENVIRONMENT_VARIABLE),
                    System.getenv(GatewayOptions.WORKERS_VARIABLE), System.getenv(CpuList.ENVIRONMENT_VARIABLE),
                    System.getenv(ListenAddress.ENVIRONMENT_VARIABLE), System.getenv(MetricsOptions.ENVIRONMENT_VARIABLE));
        } catch (IllegalArgumentException e) {
            err.println("wgate userspace: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        String name = arguments.name();
        if (arguments.foreground() || "1".equals(System.getenv(FOREGROUND_VARIABLE))) {
            return ForegroundGateway.run(Gateway.createUserspace(name, settings.options()),
                    WgQuickConfig.unconfigured(name), settings, runFiles, err);
        }
        return Daemon.start(name, List.of("userspace", "--foreground", name), "wgate userspace", runFiles, out, err);
    }

    /** The gateway's options and metrics from wgate's environment variables (there is no config file). */
    static UpCommand.Arguments settings(String offloads, String workers, String cpus, String metrics,
                                        String metricsOptions) {
        GatewayOptions options = GatewayOptions.defaults();
        options = options.withOffloads(UpCommand.offloadsFromEnvironment(options.offloads(), offloads));
        options = UpCommand.threadsFromEnvironment(options, List.of(), workers, cpus);
        UpCommand.Arguments none = new UpCommand.Arguments(null, true, options, List.of());
        return UpCommand.metricsFromEnvironment(none, List.of(), metrics, metricsOptions);
    }
}
