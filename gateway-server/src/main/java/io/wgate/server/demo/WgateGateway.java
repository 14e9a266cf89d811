package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * wgate on an office gateway: {@code ip netns exec NS java ... -jar wgate.jar up DIR/IF.conf --foreground},
 * ready once {@code /run/wgate/IF.pid} names the child. Stopped with SIGTERM, on which wgate removes its
 * routes, addresses and TUN device itself.
 */
final class WgateGateway extends ChildProcessGateway {

    /** JVM start-up, TUN and socket set-up; generous for a loaded CI machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private WgateGateway(String office, String namespace, String interfaceName, ChildProcess process, Shell shell) {
        super(GatewayKind.WGATE, office, namespace, interfaceName, STOP_GRACE, process, shell);
    }

    /**
     * Starts wgate on {@code configFile} inside {@code namespace}; {@link #awaitServing()} waits for it.
     *
     * @param configFile a wg-quick file named {@code <interface>.conf}
     * @param extraEnvironment added to the gateway's environment
     * @throws IOException when the process cannot be started
     */
    static WgateGateway launch(Shell shell, JavaRuntime runtime, String office, String namespace, OfficeConfig config,
                               Path configFile, Path log, Map<String, String> extraEnvironment) throws IOException {
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        // Verbose: handshake initiations and responses are logged, which tells who initiated.
        environment.put("LOG_LEVEL", "verbose");
        environment.put("WGATE_RUN_DIR", null); // the pid file must be where we look for it
        List<String> command = shell.inNamespace(namespace,
                runtime.wgate("up", configFile.toString(), "--foreground"));
        ChildProcess child = ChildProcess.start(GatewayKind.WGATE.onGateway(office), command, environment, log);
        return new WgateGateway(office, namespace, config.interfaceName(), child, shell);
    }

    /** Waits until {@code /run/wgate/<if>.pid} names the child: wgate writes it once it serves. */
    @Override
    public void awaitServing() throws IOException {
        process.awaitReady("its interface was up", START_TIMEOUT,
                p -> RunTraces.recordedPid(interfaceName()) == p.pid());
    }

    /** After a clean stop the interface is gone already; after a kill the namespace's removal takes it. */
    @Override
    void removeInterface(boolean wasAlive, List<String> problems) {
        try {
            if (shell.tryIpIn(namespace(), "link", "show", "dev", interfaceName()).exitCode() == 0) {
                shell.tryIpIn(namespace(), "link", "del", "dev", interfaceName());
                if (wasAlive) {
                    problems.add("wgate left its interface " + interfaceName() + " behind");
                }
            }
        } catch (IOException e) {
            problems.add("cannot check for " + interfaceName() + ": " + e.getMessage());
        }
    }
}
