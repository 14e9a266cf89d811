package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * wgate on an office gateway: {@code ip netns exec NS java ... -jar wgate.jar up DIR/IF.conf --foreground},
 * ready once {@code /run/wgate/IF.pid} names the child. Stopped with SIGTERM, on which wgate removes its
 * routes, addresses and TUN device itself.
 */
final class WgateGateway implements Gateway {

    /** JVM start-up, TUN and socket set-up; generous for a loaded CI machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String office;
    private final String namespace;
    private final String interfaceName;
    private final ChildProcess process;
    private final Shell shell;
    private boolean stopped;

    private WgateGateway(String office, String namespace, String interfaceName, ChildProcess process, Shell shell) {
        this.office = office;
        this.namespace = namespace;
        this.interfaceName = interfaceName;
        this.process = process;
        this.shell = shell;
    }

    /**
     * Starts wgate on {@code configFile} inside {@code namespace}; {@link #awaitServing()} waits for it.
     *
     * @param configFile a wg-quick file named {@code <interface>.conf}
     * @throws IOException when the process cannot be started
     */
    static WgateGateway launch(Shell shell, JavaRuntime runtime, String office, String namespace, OfficeConfig config,
                               Path configFile, Path log) throws IOException {
        Map<String, String> environment = new HashMap<>();
        // Verbose: handshake initiations and responses are logged, which tells who initiated.
        environment.put("LOG_LEVEL", "verbose");
        environment.put("WGATE_RUN_DIR", null); // the pid file must be where we look for it
        List<String> command = shell.inNamespace(namespace,
                runtime.wgate("up", configFile.toString(), "--foreground"));
        ChildProcess child = ChildProcess.start("wgate on the " + office + " gateway", command, environment, log);
        return new WgateGateway(office, namespace, config.interfaceName(), child, shell);
    }

    /** Waits until {@code /run/wgate/<if>.pid} names the child: wgate writes it once it serves. */
    @Override
    public void awaitServing() throws IOException {
        process.awaitReady("its interface was up", START_TIMEOUT, p -> RunTraces.recordedPid(interfaceName) == p.pid());
    }

    @Override
    public GatewayKind kind() {
        return GatewayKind.WGATE;
    }

    @Override
    public String office() {
        return office;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String log() {
        return process.log();
    }

    @Override
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    @Override
    public synchronized List<String> stop() {
        List<String> problems = new ArrayList<>();
        if (stopped) {
            return problems;
        }
        stopped = true;
        boolean alive = process.isAlive();
        if (alive && !process.stop(STOP_GRACE)) {
            problems.add("wgate on the " + office + " gateway did not stop within " + STOP_GRACE.toSeconds()
                    + " s of SIGTERM and was killed");
        }
        // After a clean stop the interface is gone already; after a kill the namespace's removal takes it.
        try {
            if (shell.tryIpIn(namespace, "link", "show", "dev", interfaceName).exitCode() == 0) {
                shell.tryIpIn(namespace, "link", "del", "dev", interfaceName);
                if (alive) {
                    problems.add("wgate left its interface " + interfaceName + " behind");
                }
            }
        } catch (IOException e) {
            problems.add("cannot check for " + interfaceName + ": " + e.getMessage());
        }
        problems.addAll(RunTraces.remove(interfaceName));
        return problems;
    }

    @Override
    public String toString() {
        return "wgate " + interfaceName + " in " + namespace;
    }
}
