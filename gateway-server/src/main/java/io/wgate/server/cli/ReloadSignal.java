package io.wgate.server.cli;

import io.wgate.server.config.ConfigException;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.Gateway;
import io.wgate.server.gateway.GatewayException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import sun.misc.Signal;

/**
 * SIGHUP reloads a running gateway ({@code systemctl reload}, {@code kill -HUP}, {@code wgate reload}): the
 * configuration file is read again and {@link Gateway#reload} applies the difference. Without this handler the JVM
 * would treat SIGHUP as a request to exit, and the site link would go down.
 *
 * <p>Threads: the JVM's signal thread only asks; the reload runs on {@code wgate-NAME-reload}, one at a time.
 * Signals that arrive while a reload waits to start are folded into it; one that arrives while a reload runs causes
 * one more afterwards, so that the last signal always sees the file as it was when it was sent. Each outcome is
 * logged and written to {@link ReloadStatus} for {@code wgate reload}. systemd hears of each reload
 * ({@link SystemdNotify}): {@code RELOADING=1} when it begins, {@code READY=1} with the outcome before the status is
 * written, so before {@code wgate reload} (the unit's {@code ExecReload}) returns.
 */
final class ReloadSignal {

    private static final System.Logger LOG = System.getLogger(ReloadSignal.class.getName());

    private final Gateway gateway;
    private final Path configFile;
    private final RunFiles runFiles;
    private final String name;
    private final SystemdNotify systemd;
    private final Object lock = new Object();
    private boolean requested; // guarded by lock
    private Thread worker; // guarded by lock

    private ReloadSignal(Gateway gateway, Path configFile, RunFiles runFiles, SystemdNotify systemd) {
        this.gateway = gateway;
        this.configFile = configFile.toAbsolutePath();
        this.runFiles = runFiles;
        this.name = gateway.name();
        this.systemd = systemd;
    }

    /**
     * Installs the SIGHUP handler for {@code gateway}, which was started from {@code configFile}. A status file left
     * by an earlier run is removed first. Reloads are announced to {@code systemd}.
     */
    static ReloadSignal install(Gateway gateway, Path configFile, RunFiles runFiles, SystemdNotify systemd) {
        ReloadSignal reload = new ReloadSignal(gateway, configFile, runFiles, systemd);
        ReloadStatus.remove(runFiles, reload.name);
        Signal.handle(new Signal("HUP"), signal -> reload.request());
        return reload;
    }

    /** Asks for a reload; returns at once. Any thread. */
    void request() {
        synchronized (lock) {
            requested = true;
            if (worker == null || !worker.isAlive()) {
                worker = Thread.ofPlatform().daemon().name("wgate-" + name + "-reload").start(this::drain);
            }
        }
    }

    private void drain() {
        while (true) {
            synchronized (lock) {
                if (!requested) {
                    worker = null;
                    return;
                }
                requested = false;
            }
            runOnce();
        }
    }

    /** One reload: read, apply, record. Reload thread. */
    void runOnce() {
        long started = System.currentTimeMillis();
        systemd.reloading();
        LOG.log(Level.INFO, "{0}: reloading {1}", name, configFile);
        ReloadStatus status;
        try {
            WgQuickConfig config = WgQuickConfig.parse(configFile, name);
            List<String> changes = gateway.reload(config);
            status = new ReloadStatus(started, true, changes);
        } catch (ConfigException e) {
            status = failed(started, e.getMessage());
        } catch (NoSuchFileException e) {
            status = failed(started, configFile + ": no such file");
        } catch (AccessDeniedException e) {
            status = failed(started, configFile + ": permission denied");
        } catch (IOException e) {
            status = failed(started, "cannot read " + configFile + ": " + e.getMessage());
        } catch (GatewayException e) {
            status = failed(started, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": reload failed unexpectedly", e);
            status = failed(started, "unexpected error: " + e);
        }
        systemd.ready(name + ": " + (!status.ok() ? "reload rejected, running configuration unchanged: "
                + status.lines().getFirst() : status.lines().isEmpty() ? "reloaded, no changes"
                : "reloaded, " + status.lines().size() + " change(s)"));
        try {
            status.write(runFiles, name);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: cannot write {1}: {2}", name, ReloadStatus.file(runFiles, name),
                    e.getMessage());
        }
    }

    private ReloadStatus failed(long started, String message) {
        String line = message.replace('\n', ' ');
        LOG.log(Level.WARNING, "{0}: reload rejected, the running configuration is unchanged: {1}", name, line);
        return new ReloadStatus(started, false, List.of(line));
    }
}
