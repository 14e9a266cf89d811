package io.wgate.server.cli;

import io.wgate.metrics.GatewayMetrics;
import io.wgate.metrics.MetricsServer;
import io.wgate.server.Version;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.Gateway;
import io.wgate.server.gateway.GatewayException;
import io.wgate.server.gateway.OutOfMemory;
import io.wgate.server.net.HostLinks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code wgate up CONFIG --foreground}: this process becomes the gateway and runs until SIGINT/SIGTERM
 * or until the gateway stops by itself. In order:
 *
 * <ol>
 *   <li>takes the interface's {@link GatewayLock} (or fails: already running) and records its pid in
 *       it; a pid file found now is a dead run's and goes;</li>
 *   <li>registers the shutdown hook, before anything is set up, so a signal during start-up stops the
 *       start and undoes what it did ({@link Gateway#close}); the hook keeps the log working until it
 *       is done ({@link ShutdownLogging}); with {@code SaveConfig = true} it first writes the running
 *       configuration back into the file ({@link SaveConfig}); SIGTERM and SIGINT run it and exit with status 0
 *       ({@link StopSignals});</li>
 *   <li>starts the gateway and, when asked for, its metrics endpoint ({@link MetricsServer}: a gateway that cannot
 *       listen where it was told to stops again), then writes the pid file ({@link Daemon} waits for it) and tells
 *       systemd it is ready ({@link SystemdNotify}: {@code READY=1}, later {@code STOPPING=1}; nothing when systemd
 *       did not start it).</li>
 * </ol>
 *
 * The lock is never released by hand: the process's exit releases it.
 */
final class ForegroundGateway {

    private ForegroundGateway() {
    }

    static int run(WgQuickConfig config, UpCommand.Arguments arguments, RunFiles runFiles, PrintStream err) {
        return run(Gateway.create(config, arguments.options()), config, arguments, runFiles, err);
    }

    /**
     * Runs {@code gateway} (not started yet) for {@code config}; {@code arguments} give the metrics and, for
     * {@code SaveConfig}, the file ({@code null} for none, as with {@code wgate userspace}).
     */
    static int run(Gateway gateway, WgQuickConfig config, UpCommand.Arguments arguments, RunFiles runFiles,
                   PrintStream err) {
        String name = config.interfaceName();
        Map<String, String> friendlyNames = new HashMap<>();
        for (PeerConfig peer : config.peers()) {
            peer.name().ifPresent(n -> friendlyNames.put(peer.publicKey().toBase64(), n));
        }
        long pid = ProcessHandle.current().pid();
        GatewayLock.Attempt attempt;
        try {
            attempt = GatewayLock.tryAcquire(runFiles.lockFile(name));
            if (attempt instanceof GatewayLock.Acquired acquired) {
                acquired.lock().recordOwner(pid);
                runFiles.removeStalePid(name);
            }
        } catch (IOException e) {
            err.println("wgate up: " + RunFiles.describe(runFiles.lockFile(name), e));
            return 1;
        }
        if (attempt instanceof GatewayLock.Held held) {
            err.println("wgate up: " + UpCommand.alreadyRunning(name, held));
            return 1;
        }
        if (!Logging.keepsShutdownLogs()) {
            System.getLogger(ForegroundGateway.class.getName()).log(System.Logger.Level.WARNING,
                    "java.util.logging.manager is not wgate''s: messages logged while stopping may be lost");
        }

        OutOfMemory.install(); // an OutOfMemoryError on any thread ends the process, for a restart
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        Path saveTo = config.iface().saveConfig() ? arguments.config() : null;
        AtomicBoolean serving = new AtomicBoolean();
        AtomicReference<MetricsServer> metrics = new AtomicReference<>();
        Object pidFileLock = new Object();
        ShutdownLogging.Hold logs = ShutdownLogging.hold();
        Thread hook = new Thread(() -> {
            try {
                systemd.stopping(name + ": stopping");
                closeMetrics(metrics);
                saveConfig(saveTo, config, gateway, serving);
                gateway.close();
                synchronized (pidFileLock) {
                    runFiles.removePid(name, pid);
                    OffloadStatus.remove(runFiles, name);
                    ReloadStatus.remove(runFiles, name);
                }
            } finally {
                logs.close();
            }
        }, "wgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        StopSignals.install(name);

        try {
            gateway.start();
        } catch (GatewayException e) {
            err.println("wgate up: " + e.getMessage());
            if (removeHook(hook)) {
                logs.close();
            }
            return 1;
        }
        if (arguments.metrics() != null) {
            try {
                metrics.set(MetricsServer.start(arguments.metrics(), new GatewayMetrics(
                        gateway.metricsSource(friendlyNames), arguments.metricsOptions(), Version.current())));
            } catch (Exception e) {
                err.println("wgate up: " + e.getMessage());
                if (removeHook(hook)) {
                    gateway.close();
                    logs.close();
                }
                return 1;
            }
        }
        synchronized (pidFileLock) {
            if (!gateway.isClosing()) {
                try {
                    runFiles.writePid(name, pid);
                } catch (IOException e) {
                    err.println("wgate up: cannot write " + runFiles.pidFile(name) + ": " + e.getMessage());
                }
                OffloadStatus.maintain(gateway, runFiles, name);
                serving.set(true);
                if (gateway.managesHostNetwork()) { // not for wgate-userspace: no file
                    ReloadSignal.install(gateway, arguments.config(), runFiles, systemd);
                }
                systemd.ready(name + ": up, UDP port " + gateway.listenPort());
            }
        }
        String reason = gateway.terminated().join();
        if ("closed".equals(reason) || !removeHook(hook)) {
            return 0; // stopped by the shutdown hook, which finishes the job
        }
        err.println("wgate: " + name + " stopped: " + reason);
        systemd.stopping(name + ": stopped: " + reason);
        closeMetrics(metrics);
        saveConfig(saveTo, config, gateway, serving);
        gateway.close();
        runFiles.removePid(name, pid);
        OffloadStatus.remove(runFiles, name);
        ReloadStatus.remove(runFiles, name);
        logs.close();
        return 1;
    }

    /**
     * {@code SaveConfig}: the running configuration into {@code file} (null: not asked for), once only and only for
     * a gateway that came up; before {@link Gateway#close}, while the engine and the link are still there.
     */
    private static void saveConfig(Path file, WgQuickConfig config, Gateway gateway, AtomicBoolean serving) {
        if (file != null && serving.getAndSet(false)) {
            SaveConfig.save(file, gateway.configuration(config), gateway, HostLinks.system());
        }
    }

    /** Stops the metrics endpoint first, so that no scrape waits on a loop that is shutting down. */
    private static void closeMetrics(AtomicReference<MetricsServer> metrics) {
        MetricsServer server = metrics.getAndSet(null);
        if (server != null) {
            server.close();
        }
    }

    /** Unregisters the hook; false when shutdown has begun (the hook runs or ran). */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
