package io.wgate.server.cli;

import io.wgate.crypto.AeadImplementation;
import io.wgate.metrics.ListenAddress;
import io.wgate.metrics.MetricsOptions;
import io.wgate.server.config.ConfigException;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.GatewayOptions;
import io.wgate.server.gateway.CpuList;
import io.wgate.server.gateway.Offloads;
import io.wgate.server.gateway.TransportKind;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wgate up CONFIG [--foreground] [--transport epoll|io_uring] [--aead auto|openssl|jdk]
 * [--disable-offload NAME[,NAME...]]}: brings
 * up the interface named after the file's base name, as wg-quick does. Without {@code --foreground}
 * it starts the gateway in the background ({@link Daemon}) and returns once the interface is up and
 * serving; with it, this process is the gateway ({@link ForegroundGateway}).
 */
public final class UpCommand {

    static final String USAGE = "Usage: wgate up CONFIG [--foreground] [--transport epoll|io_uring]"
            + " [--aead auto|openssl|jdk] [--disable-offload NAME[,NAME...]] [--metrics ADDR[:PORT]]"
            + " [--metrics-options LIST] [--crypto-workers N|auto] [--cpus LIST] [--reresolve-interval MINUTES]";
    /** wg's variable for the number of DNS attempts per endpoint host name. */
    static final String RETRIES_VARIABLE = "WG_ENDPOINT_RESOLUTION_RETRIES";
    /**
     * Set by {@link Daemon} on the background child: the parent has printed the config's warnings on
     * the terminal already, so the child does not repeat them.
     */
    static final String BACKGROUND_CHILD_PROPERTY = "wgate.background-child";

    private UpCommand() {
    }

    /**
     * Parsed command line.
     *
     * @param metrics        where to serve /metrics, /healthz and /readyz, or null for nowhere
     * @param metricsOptions how the metrics behave
     */
    record Arguments(Path config, boolean foreground, GatewayOptions options, List<String> passThrough,
                     InetSocketAddress metrics, MetricsOptions metricsOptions) {

        Arguments(Path config, boolean foreground, GatewayOptions options, List<String> passThrough) {
            this(config, foreground, options, passThrough, null, MetricsOptions.DEFAULTS);
        }

        Arguments withOptions(GatewayOptions replaced) {
            return new Arguments(config, foreground, replaced, passThrough, metrics, metricsOptions);
        }

        Arguments withMetrics(InetSocketAddress address, MetricsOptions chosen) {
            return new Arguments(config, foreground, options, passThrough, address, chosen);
        }
    }

    /** Whether the arguments after {@code up} start a background gateway (no {@code --foreground}). */
    public static boolean inBackground(List<String> args) {
        return !args.contains("--foreground") && !args.contains("-f");
    }

    /** Parses the arguments after {@code up} (the environment is not consulted). */
    static Arguments parse(List<String> args) {
        Path config = null;
        boolean foreground = false;
        GatewayOptions options = GatewayOptions.defaults();
        InetSocketAddress metrics = null;
        String metricsOptions = null;
        List<String> passThrough = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--foreground", "-f" -> foreground = true;
                case "--transport", "--aead", "--disable-offload", "--metrics", "--metrics-options",
                     "--crypto-workers", "--cpus", "--reresolve-interval" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args.get(++i);
                    switch (arg) {
                        case "--transport" -> options = options.withTransport(TransportKind.parse(value));
                        case "--aead" -> options = options.withAead(value);
                        case "--metrics" -> metrics = ListenAddress.parse(value);
                        case "--metrics-options" -> metricsOptions = value;
                        case "--crypto-workers" -> options = options.withCryptoWorkers(
                                GatewayOptions.parseCryptoWorkers(value));
                        case "--cpus" -> options = options.withCpus(CpuList.parse(value));
                        case "--reresolve-interval" -> options = options.withReresolveInterval(
                                GatewayOptions.parseReresolveInterval(value));
                        default -> options = options.withOffloads(options.offloads().without(value));
                    }
                    passThrough.add(arg);
                    passThrough.add(value);
                }
                default -> {
                    if (arg.startsWith("-") || config != null) {
                        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                    }
                    config = Path.of(arg);
                }
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("missing CONFIG");
        }
        return new Arguments(config, foreground, options, passThrough, metrics,
                MetricsOptions.parse(MetricsOptions.DEFAULTS, metricsOptions));
    }

    /**
     * {@code options} with the crypto worker count and the CPU list from {@value GatewayOptions#WORKERS_VARIABLE}
     * and {@value CpuList#ENVIRONMENT_VARIABLE} where the command line ({@code args}) left them out.
     *
     * @throws IllegalArgumentException naming the variable and what is wrong with its value
     */
    static GatewayOptions threadsFromEnvironment(GatewayOptions options, List<String> args, String workers,
                                                 String cpus) {
        GatewayOptions result = options;
        if (!args.contains("--crypto-workers") && workers != null && !workers.isBlank()) {
            try {
                result = result.withCryptoWorkers(GatewayOptions.parseCryptoWorkers(workers));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(GatewayOptions.WORKERS_VARIABLE + ": " + e.getMessage(), e);
            }
        }
        if (!args.contains("--cpus") && cpus != null && !cpus.isBlank()) {
            try {
                result = result.withCpus(CpuList.parse(cpus));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(CpuList.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
            }
        }
        return result;
    }

    /**
     * {@code options} with the re-resolution interval from {@value GatewayOptions#RERESOLVE_VARIABLE} where the
     * command line ({@code args}) left it out.
     *
     * @throws IllegalArgumentException naming the variable and what is wrong with its value
     */
    static GatewayOptions reresolveFromEnvironment(GatewayOptions options, List<String> args, String interval) {
        if (args.contains("--reresolve-interval") || interval == null || interval.isBlank()) {
            return options;
        }
        try {
            return options.withReresolveInterval(GatewayOptions.parseReresolveInterval(interval));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GatewayOptions.RERESOLVE_VARIABLE + ": " + e.getMessage(), e);
        }
    }

    /**
     * The metrics settings of {@code arguments}, completed from {@value ListenAddress#ENVIRONMENT_VARIABLE} and
     * {@value MetricsOptions#ENVIRONMENT_VARIABLE} where the command line left them out.
     *
     * @throws IllegalArgumentException naming the variable and what is wrong with it
     */
    static Arguments metricsFromEnvironment(Arguments arguments, List<String> args, String address, String list) {
        InetSocketAddress metrics = arguments.metrics();
        MetricsOptions options = arguments.metricsOptions();
        try {
            if (metrics == null && address != null && !address.isBlank()) {
                metrics = ListenAddress.parse(address);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ListenAddress.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
        }
        try {
            if (!args.contains("--metrics-options")) {
                options = MetricsOptions.parse(options, list);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MetricsOptions.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
        }
        return arguments.withMetrics(metrics, options);
    }

    /**
     * DNS attempts from {@value #RETRIES_VARIABLE}: a positive number or {@code infinity}; unset or blank
     * keeps {@code defaultAttempts}.
     *
     * @throws IllegalArgumentException naming the variable
     */
    static int endpointRetries(String value, int defaultAttempts) {
        if (value == null || value.isBlank()) {
            return defaultAttempts;
        }
        String text = value.strip();
        if (text.equals("infinity")) {
            return Integer.MAX_VALUE;
        }
        try {
            int attempts = Integer.parseInt(text);
            if (attempts >= 1) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(RETRIES_VARIABLE + " must be a positive number or 'infinity', not '"
                + value + "'");
    }

    /**
     * {@code offloads} less those {@value Offloads#ENVIRONMENT_VARIABLE} names.
     *
     * @throws IllegalArgumentException naming the variable and the unknown entry
     */
    static Offloads offloadsFromEnvironment(Offloads offloads, String value) {
        try {
            return offloads.without(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Offloads.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the {@code --aead} choice as the gateway will make it ({@link AeadImplementation#select}),
     * so that a bad value fails here rather than in the background child; {@code auto} needs no check (it
     * falls back to the JDK's implementation) and loads no library here.
     *
     * @throws IllegalArgumentException naming the option and the problem
     */
    static void checkAead(String option) {
        if (option != null && option.strip().equalsIgnoreCase("auto")) {
            return; // auto falls back to the JDK: nothing can fail, and probing OpenSSL here costs start-up time
        }
        try {
            AeadImplementation.select(option);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("--aead " + option + ": " + e.getMessage(), e);
        }
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, RunFiles.system());
    }

    static int run(List<String> args, PrintStream out, PrintStream err, RunFiles runFiles) {
        Arguments arguments;
        try {
            arguments = parse(args);
            GatewayOptions options = arguments.options().withEndpointRetries(endpointRetries(
                    System.getenv(RETRIES_VARIABLE), arguments.options().endpointRetries()));
            options = options.withOffloads(offloadsFromEnvironment(options.offloads(),
                    System.getenv(Offloads.ENVIRONMENT_VARIABLE)));
            options = threadsFromEnvironment(options, args, System.getenv(GatewayOptions.WORKERS_VARIABLE),
                    System.getenv(CpuList.ENVIRONMENT_VARIABLE));
            options = reresolveFromEnvironment(options, args, System.getenv(GatewayOptions.RERESOLVE_VARIABLE));
            arguments = metricsFromEnvironment(arguments.withOptions(options), args,
                    System.getenv(ListenAddress.ENVIRONMENT_VARIABLE), System.getenv(MetricsOptions.ENVIRONMENT_VARIABLE));
            if (!arguments.foreground()) {
                checkAead(options.aead()); // here, not in the background child's log
            }
        } catch (IllegalArgumentException e) {
            err.println("wgate up: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        WgQuickConfig config;
        try {
            config = WgQuickConfig.parse(arguments.config());
        } catch (IOException e) {
            err.println("wgate up: " + unreadable(arguments.config(), e));
            return 1;
        } catch (ConfigException e) {
            err.println("wgate up: " + e.getMessage());
            return 1;
        }
        if (!Boolean.getBoolean(BACKGROUND_CHILD_PROPERTY)) {
            printWarnings(config, arguments.config(), err);
        }
        if (!arguments.foreground()) {
            config.wipeKeys(); // the background child reads the file itself
            return Daemon.start(config.interfaceName(), arguments, runFiles, out, err);
        }
        return ForegroundGateway.run(config, arguments, runFiles, err);
    }

    /**
     * Why the config file could not be read, naming it: {@code FILE: no such file}, {@code FILE: permission denied}
     * (a file of another user's, mode 0600, read without root), else the system's reason.
     */
    static String unreadable(Path config, IOException e) {
        return switch (e) {
            case NoSuchFileException ignored -> config + ": no such file";
            case AccessDeniedException ignored -> config + ": permission denied";
            default -> "cannot read " + config + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        };
    }

    /** The config's warnings, and what wgate leaves out (DNS). */
    static void printWarnings(WgQuickConfig config, Path file, PrintStream err) {
        for (ConfigWarning warning : config.warnings()) {
            err.println("wgate up: warning: " + warning);
        }
        if (!config.iface().dnsServers().isEmpty() || !config.iface().dnsSearchDomains().isEmpty()) {
            err.println("wgate up: warning: " + file.getFileName()
                    + ": DNS is not applied: wgate leaves the host's resolver configuration alone");
        }
    }

    /** "NAME is already running (pid N)" for a held lock, or that another wgate command holds it. */
    static String alreadyRunning(String name, GatewayLock.Held held) {
        boolean gateway = held.pid().isPresent() && ProcessHandle.of(held.pid().getAsLong())
                .map(p -> GatewayProcess.serves(p, name)).orElse(false);
        if (gateway) {
            return name + " is already running (pid " + held.pid().getAsLong() + "); stop it with 'wgate down "
                    + name + "'";
        }
        return name + " is busy: another wgate process holds its lock; try again";
    }
}
