package io.wgate.server.demo;

import io.wgate.server.uapi.UapiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * wireguard-go on an office gateway, set up the way wg-quick does it for a userspace implementation:
 * {@code wireguard-go -f IF} as a child in the namespace (foreground, so the demo owns the process),
 * then the WireGuard configuration ({@code wg setconf} when {@code wg} is installed, else the same
 * settings sent over the UAPI socket directly), the tunnel address, MTU and link state, and a route for
 * the far LAN. Stopped with SIGTERM; the interface is deleted if it outlives the process.
 */
final class WireguardGoGateway extends ChildProcessGateway {

    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Debian's wireguard-go refuses to start on kernels with WireGuard support unless this is set. */
    static final String PREFER_USERSPACE = "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD";

    private final OfficeConfig config;
    private final Path workDir;
    private final Optional<Path> wg;

    private WireguardGoGateway(String office, String namespace, ChildProcess process, Shell shell,
                               OfficeConfig config, Path workDir, Optional<Path> wg) {
        super(GatewayKind.WIREGUARD_GO, office, namespace, config.interfaceName(), STOP_GRACE, process, shell);
        this.config = config;
        this.workDir = workDir;
        this.wg = wg;
    }

    /** The wireguard-go binary, if installed. */
    static Optional<Path> binary() {
        return Shell.which("wireguard-go");
    }

    /**
     * Starts wireguard-go for {@code config} inside {@code namespace}; {@link #awaitServing()} waits for
     * its socket and configures it.
     *
     * @param workDir where the stripped {@code wg setconf} file goes (mode 600)
     * @throws IOException when wireguard-go is missing or cannot be started
     */
    static WireguardGoGateway launch(Shell shell, String office, String namespace, OfficeConfig config, Path workDir,
                                     Path log) throws IOException {
        return launch(shell, office, namespace, config, workDir, log, Shell.which("wg"));
    }

    /** As above, configuring with {@code wg} when given, else over the UAPI socket directly. */
    static WireguardGoGateway launch(Shell shell, String office, String namespace, OfficeConfig config, Path workDir,
                                     Path log, Optional<Path> wg) throws IOException {
        Path binary = binary().orElseThrow(() -> new IOException("wireguard-go is not installed"));
        List<String> command = shell.inNamespace(namespace, List.of(binary.toString(), "-f", config.interfaceName()));
        ChildProcess child = ChildProcess.start(GatewayKind.WIREGUARD_GO.onGateway(office), command,
                Map.of(PREFER_USERSPACE, "1", "LOG_LEVEL", "verbose"), log);
        return new WireguardGoGateway(office, namespace, child, shell, config, workDir, wg);
    }

    /** Waits for the UAPI socket, then configures the device, its address, MTU and route. */
    @Override
    public void awaitServing() throws IOException {
        Path socket = RunTraces.uapiSocket(interfaceName());
        process.awaitReady("its UAPI socket " + socket + " existed", START_TIMEOUT, p -> Files.exists(socket));
        try {
            configure();
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\n  wireguard-go output:\n" + ChildProcess.indent(logTail(20)), e);
        }
    }

    private void configure() throws IOException {
        String namespace = namespace();
        String interfaceName = interfaceName();
        if (wg.isPresent()) {
            Path file = OfficeConfig.writePrivate(workDir.resolve(interfaceName + ".setconf"), config.wgSetconf());
            shell.checkIn(Shell.DEFAULT_TIMEOUT, namespace, wg.get().toString(), "setconf", interfaceName,
                    file.toString());
        } else {
            try (UapiClient client = UapiClient.connect(interfaceName)) {
                int errno = client.set(config.uapiSetBody());
                if (errno != 0) {
                    throw new IOException("wireguard-go rejected the configuration of " + interfaceName
                            + " (UAPI set, errno=" + errno + ")");
                }
            }
        }
        for (String address : config.addresses()) {
            shell.ipIn(namespace, "addr", "add", address, "dev", interfaceName);
        }
        shell.ipIn(namespace, "link", "set", "dev", interfaceName, "mtu", Integer.toString(config.mtu()), "up");
        for (String lan : config.farLans()) {
            shell.ipIn(namespace, "route", "add", lan, "dev", interfaceName);
        }
    }

    /** Deletes the interface in case it outlived the process. */
    @Override
    void removeInterface(boolean wasAlive, List<String> problems) {
        try {
            shell.tryIpIn(namespace(), "link", "del", "dev", interfaceName());
        } catch (IOException e) {
            problems.add("cannot delete " + interfaceName() + ": " + e.getMessage());
        }
    }
}
