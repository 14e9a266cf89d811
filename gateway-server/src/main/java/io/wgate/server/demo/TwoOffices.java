package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.LISTEN_PORT;
import static io.wgate.server.demo.Addressing.MAIN_LAN;
import static io.wgate.server.demo.Addressing.MAIN_LAN_V6;
import static io.wgate.server.demo.Addressing.MAIN_TUNNEL;
import static io.wgate.server.demo.Addressing.MAIN_TUNNEL_V6;
import static io.wgate.server.demo.Addressing.MAIN_WAN;
import static io.wgate.server.demo.Addressing.PREFIX_LENGTH_V6;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN_V6;
import static io.wgate.server.demo.Addressing.SATELLITE_TUNNEL;
import static io.wgate.server.demo.Addressing.SATELLITE_TUNNEL_V6;
import static io.wgate.server.demo.Addressing.SATELLITE_WAN;
import static io.wgate.server.demo.Addressing.TUNNEL_MTU;
import static io.wgate.server.demo.Addressing.TUNNEL_NET;
import static io.wgate.server.demo.Addressing.TUNNEL_NET_V6;
import static io.wgate.server.demo.Addressing.TUNNEL_PREFIX_LENGTH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The users' site-to-site network, built for real in network namespaces: Host A on the Main Office LAN,
 * the Main Office gateway, an Internet router, the Satellite Office gateway and Host B on its LAN
 * ({@link Topology}), with a WireGuard tunnel between the gateways; either gateway runs wgate or
 * wireguard-go ({@link Gateway}). Keys are generated afresh; the configs go to a private temporary
 * directory (mode 700, files 600).
 *
 * <p>Life cycle: {@link #open} builds the network, {@link #startGateways} brings up the tunnel,
 * {@link #close} removes everything this run made: tracked helper processes, gateways, namespaces,
 * {@code /run/wgate/<if>.*}, the UAPI sockets and the temporary directory. A shutdown hook does the
 * same if the JVM exits first (Ctrl-C).
 */
public final class TwoOffices implements AutoCloseable {

    /** Labels used in messages. */
    public static final String MAIN_OFFICE = "Main Office";
    public static final String SATELLITE_OFFICE = "Satellite Office";

    /**
     * What to run.
     *
     * @param main      implementation on the Main Office gateway
     * @param satellite implementation on the Satellite Office gateway
     * @param endpoints which configs name the other office's address
     * @param runtime   java and the wgate jar
     * @param ipv6      whether the LANs and the tunnel carry IPv6 too ({@link Topology}, {@link Addressing})
     * @param wgateEnvironment extra environment of every wgate gateway (for example {@code WGATE_METRICS})
     */
    public record Options(GatewayKind main, GatewayKind satellite, EndpointMode endpoints, JavaRuntime runtime,
                          boolean ipv6, Map<String, String> wgateEnvironment) {
        public Options {
            Objects.requireNonNull(main, "main");
            Objects.requireNonNull(satellite, "satellite");
            Objects.requireNonNull(endpoints, "endpoints");
            Objects.requireNonNull(runtime, "runtime");
            wgateEnvironment = Map.copyOf(wgateEnvironment);
        }

        /** IPv4 only and no extra environment, as the demo runs it. */
        public Options(GatewayKind main, GatewayKind satellite, EndpointMode endpoints, JavaRuntime runtime) {
            this(main, satellite, endpoints, runtime, false, Map.of());
        }

        /** The same with IPv6 on the LANs and in the tunnel as well. */
        public Options withIpv6() {
            return new Options(main, satellite, endpoints, runtime, true, wgateEnvironment);
        }

        /** The same with {@code environment} added to every wgate gateway's. */
        public Options withWgateEnvironment(Map<String, String> environment) {
            return new Options(main, satellite, endpoints, runtime, ipv6, environment);
        }
    }

    private final Options options;
    private final Shell shell;
    private final SiteNames names;
    private final Path workDir;
    private final OfficeConfig mainConfig;
    private final OfficeConfig satelliteConfig;
    private final Deque<AutoCloseable> tracked = new ArrayDeque<>();
    private final Thread shutdownHook;
    private Topology network;
    private Gateway main;
    private Gateway satellite;
    private List<String> cleanupProblems;

    private TwoOffices(Options options, Shell shell, SiteNames names, Path workDir) {
        this.options = options;
        this.shell = shell;
        this.names = names;
        this.workDir = workDir;
        SecureRandom random = new SecureRandom();
        KeyPair mainKeys = KeyPair.generate(random);
        KeyPair satelliteKeys = KeyPair.generate(random);
        boolean v6 = options.ipv6();
        this.mainConfig = new OfficeConfig(names.mainInterface(), mainKeys,
                tunnelAddress(MAIN_TUNNEL, MAIN_TUNNEL_V6, v6), TUNNEL_MTU, LISTEN_PORT, satelliteKeys.publicKey(),
                v6 ? List.of(TUNNEL_NET, SATELLITE_LAN, TUNNEL_NET_V6, SATELLITE_LAN_V6)
                        : List.of(TUNNEL_NET, SATELLITE_LAN),
                options.endpoints() == EndpointMode.BOTH ? Optional.of(SATELLITE_WAN + ":" + LISTEN_PORT)
                        : Optional.empty());
        this.satelliteConfig = new OfficeConfig(names.satelliteInterface(), satelliteKeys,
                tunnelAddress(SATELLITE_TUNNEL, SATELLITE_TUNNEL_V6, v6), TUNNEL_MTU, LISTEN_PORT,
                mainKeys.publicKey(), v6 ? List.of(TUNNEL_NET, MAIN_LAN, TUNNEL_NET_V6, MAIN_LAN_V6)
                        : List.of(TUNNEL_NET, MAIN_LAN), Optional.of(MAIN_WAN + ":" + LISTEN_PORT));
        this.shutdownHook = new Thread(this::close, "two-offices-cleanup");
    }

    /** A gateway's {@code Address} value: the IPv4 tunnel address, and the IPv6 one after it when {@code v6}. */
    private static String tunnelAddress(String v4, String v6Address, boolean v6) {
        String address = v4 + "/" + TUNNEL_PREFIX_LENGTH;
        return v6 ? address + ", " + v6Address + "/" + PREFIX_LENGTH_V6 : address;
    }

    /**
     * Creates the work directory and the network (no gateways yet).
     *
     * @throws IOException naming the step that failed (with the command's error); nothing is left behind
     */
    public static TwoOffices open(Options options) throws IOException {
        Shell shell = new Shell();
        Path workDir = WorkDir.create();
        TwoOffices offices = new TwoOffices(options, shell, SiteNames.random(), workDir);
        Runtime.getRuntime().addShutdownHook(offices.shutdownHook);
        try {
            offices.mainConfig.writeTo(workDir);
            offices.satelliteConfig.writeTo(workDir);
            offices.network = Topology.create(shell, offices.names, options.ipv6());
            return offices;
        } catch (IOException | RuntimeException e) {
            offices.close();
            throw e;
        }
    }

    /**
     * Starts both gateways and returns once both serve (they come up concurrently).
     *
     * @throws IOException naming the gateway that failed, with its output; both are stopped again
     */
    public void startGateways() throws IOException {
        try {
            Gateway mainGateway = launch(options.main(), MAIN_OFFICE, names.main(), mainConfig);
            synchronized (this) {
                main = mainGateway;
            }
            Gateway satelliteGateway = launch(options.satellite(), SATELLITE_OFFICE, names.satellite(),
                    satelliteConfig);
            synchronized (this) {
                satellite = satelliteGateway;
            }
            CompletableFuture<Void> satelliteUp = CompletableFuture.runAsync(() -> {
                try {
                    satelliteGateway.awaitServing();
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            });
            IOException failure = null;
            try {
                mainGateway.awaitServing();
            } catch (IOException e) {
                failure = e;
            }
            try {
                satelliteUp.join();
            } catch (CompletionException e) {
                IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (IOException | RuntimeException e) {
            stopGateways();
            throw e;
        }
    }

    /**
     * Stops the Satellite Office gateway and starts it again with the same configuration (a restarted peer: no
     * session, a new handshake needed); returns once the new one serves. The old log is kept beside the new one
     * ({@code .log.1}).
     *
     * @return the problems the old gateway's stop reported (empty when it stopped cleanly)
     */
    public List<String> restartSatellite() throws IOException {
        Gateway old;
        synchronized (this) {
            old = satellite;
            satellite = null;
        }
        List<String> problems = old.stop();
        Files.move(old.logFile(), old.logFile().resolveSibling(old.logFile().getFileName() + ".1"),
                StandardCopyOption.REPLACE_EXISTING);
        Gateway fresh = launch(options.satellite(), SATELLITE_OFFICE, names.satellite(), satelliteConfig);
        synchronized (this) {
            satellite = fresh;
        }
        fresh.awaitServing();
        return problems;
    }

    /** Starts a gateway's process; it is stopped by {@link #close} from here on, even while starting. */
    private Gateway launch(GatewayKind kind, String office, String namespace, OfficeConfig config) throws IOException {
        Path log = workDir.resolve(config.interfaceName() + "." + kind.label() + ".log");
        return switch (kind) {
            case WGATE -> WgateGateway.launch(shell, options.runtime(), office, namespace, config,
                    workDir.resolve(config.interfaceName() + ".conf"), log, options.wgateEnvironment());
            case WIREGUARD_GO -> WireguardGoGateway.launch(shell, office, namespace, config, workDir, log);
        };
    }

    /** Registers a helper (a web server, a process) to be closed before the gateways stop. */
    public synchronized <T extends AutoCloseable> T track(T resource) {
        tracked.push(resource);
        return resource;
    }

    public Options options() {
        return options;
    }

    public Shell shell() {
        return shell;
    }

    public SiteNames names() {
        return names;
    }

    public Topology network() {
        return network;
    }

    /** The private temporary directory with the configs and logs (removed by {@link #close}). */
    public Path workDir() {
        return workDir;
    }

    public OfficeConfig mainConfig() {
        return mainConfig;
    }

    public OfficeConfig satelliteConfig() {
        return satelliteConfig;
    }

    /** The Main Office gateway; only after {@link #startGateways}. */
    public synchronized Gateway main() {
        return Objects.requireNonNull(main, "gateways not started");
    }

    /** The Satellite Office gateway; only after {@link #startGateways}. */
    public synchronized Gateway satellite() {
        return Objects.requireNonNull(satellite, "gateways not started");
    }

    /** The gateways started so far: none before {@link #startGateways}, Main Office first. */
    public synchronized List<Gateway> gateways() {
        return Stream.of(main, satellite).filter(Objects::nonNull).toList();
    }

        /** The end of each running gateway's output, for a failure report. */
    public synchronized String diagnostics(int linesPerGateway) {
        StringBuilder out = new StringBuilder();
        for (Gateway gateway : Stream.of(main, satellite).filter(Objects::nonNull).toList()) {
            out.append("--- ").append(gateway.kind().onGateway(gateway.office())).append(" (")
                    .append(gateway.interfaceName()).append(gateway.isAlive() ? ", running" : ", exited")
                    .append("), last ").append(linesPerGateway).append(" lines of its output ---\n")
                    .append(gateway.logTail(linesPerGateway)).append('\n');
        }
        return out.toString();
    }

    private synchronized List<String> stopGateways() {
        List<String> problems = new ArrayList<>();
        for (Gateway gateway : Stream.of(satellite, main).filter(Objects::nonNull).toList()) {
            problems.addAll(gateway.stop());
        }
        return problems;
    }

    /**
     * Removes everything (idempotent, never throws): helpers, gateways, namespaces, run files, the work
     * directory. Problems are kept in {@link #cleanupProblems()}.
     */
    @Override
    public synchronized void close() {
        if (cleanupProblems != null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        while (!tracked.isEmpty()) {
            AutoCloseable resource = tracked.pop();
            try {
                resource.close();
            } catch (Exception e) {
                problems.add("cannot close " + resource + ": " + e.getMessage());
            }
        }
        problems.addAll(stopGateways());
        if (network != null) {
            problems.addAll(network.remove());
        }
        for (String dev : List.of(names.mainInterface(), names.satelliteInterface())) {
            problems.addAll(RunTraces.remove(dev));
        }
        problems.addAll(WorkDir.delete(workDir));
        cleanupProblems = List.copyOf(problems);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it will find everything closed
            }
        }
    }

    /** What {@link #close()} could not remove; empty before close and after a clean one. */
    public synchronized List<String> cleanupProblems() {
        return cleanupProblems == null ? List.of() : cleanupProblems;
    }

    /** Anything of this run still on the host: namespaces, run files, sockets, the work directory. */
    public List<String> leftovers() {
        List<String> left = new ArrayList<>();
        for (String ns : names.namespaces()) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                left.add("network namespace " + ns);
            }
        }
        for (String dev : List.of(names.mainInterface(), names.satelliteInterface())) {
            RunTraces.leftovers(dev).forEach(file -> left.add(file.toString()));
        }
        if (Files.exists(workDir)) {
            left.add(workDir.toString());
        }
        return left;
    }
}
