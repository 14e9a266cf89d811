package io.wgate.server.cli;

import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.uapi.UapiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * {@code wgate down NAME}: stops the gateway serving NAME and makes sure nothing of it is left. Whether
 * one runs is decided by its {@link GatewayLock}, not by the pid file (which a starting gateway has not
 * written yet, and a dead one leaves behind):
 *
 * <ul>
 *   <li>lock held: the holder is signalled (SIGTERM, after a grace period SIGKILL; {@link GatewayStopper})
 *       once its command line shows it is a wgate gateway for NAME; it removes its routes, addresses,
 *       the interface and runs the hooks itself. After it exited, whatever it left is removed and
 *       reported with a non-zero exit status;</li>
 *   <li>lock free: no gateway runs, so a dead one's host changes, pid file and UAPI socket are removed
 *       ({@link Leftovers});</li>
 *   <li>no lock file and no trace of a run: nothing ran, and nothing is created (no run directory, no lock
 *       file) to say so.</li>
 * </ul>
 *
 * NAME may also be given as the config file path.
 */
public final class DownCommand {

    static final String USAGE = "Usage: wgate down NAME";
    /** How long to wait for a starting gateway to record its pid in the lock file. */
    static final Duration OWNER_WAIT = Duration.ofSeconds(2);
    /** How long to wait for the lock once the stopped gateway's process is gone. */
    static final Duration RELOCK_WAIT = Duration.ofSeconds(5);

    private final RunFiles runFiles;
    private final Leftovers leftovers;
    private final GatewayStopper stopper;
    private final HostLinks hostLinks;
    private final LongFunction<Optional<ProcessHandle>> processes;

    DownCommand(RunFiles runFiles, Leftovers leftovers, GatewayStopper stopper, HostLinks hostLinks,
                LongFunction<Optional<ProcessHandle>> processes) {
        this.runFiles = runFiles;
        this.leftovers = leftovers;
        this.stopper = stopper;
        this.hostLinks = hostLinks;
        this.processes = processes;
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1) {
            err.println(USAGE);
            return 1;
        }
        String name;
        try {
            name = InterfaceName.of(args.getFirst());
        } catch (IllegalArgumentException e) {
            err.println("wgate down: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        RunFiles runFiles = RunFiles.system();
        Leftovers leftovers = new Leftovers(runFiles, LinkSetup.system(), UapiServer.DEFAULT_DIRECTORY);
        return new DownCommand(runFiles, leftovers, GatewayStopper.standard(), HostLinks.system(), ProcessHandle::of)
                .down(name, out, err);
    }

    /** Stops {@code name}'s gateway or removes what a dead one left; the exit status. */
    int down(String name, PrintStream out, PrintStream err) {
        if (Files.notExists(runFiles.lockFile(name)) && !leftovers.anyTrace(name)) {
            // Every gateway creates its lock file first and never deletes it: none ran here, and none is starting
            // that got as far as changing anything. Taking the lock would create the run directory and the file.
            // (notExists: a run directory we may not read is not "no lock file"; the lock attempt says why.)
            return nothingRunning(name, err);
        }
        GatewayLock.Attempt attempt;
        try {
            attempt = GatewayLock.tryAcquire(runFiles.lockFile(name));
        } catch (IOException e) {
            err.println("wgate down: " + RunFiles.describe(runFiles.lockFile(name), e));
            return 1;
        }
        if (attempt instanceof GatewayLock.Acquired acquired) {
            try (GatewayLock ignored = acquired.lock()) {
                return notRunning(name, out, err);
            } catch (IOException e) {
                return 0; // releasing our own lock failed: the process exit releases it
            }
        }
        return stopRunning(name, out, err);
    }

    /** No gateway holds the lock (we do): remove what a dead one left. */
    private int notRunning(String name, PrintStream out, PrintStream err) {
        Leftovers.Report report = leftovers.remove(name);
        if (!report.problems().isEmpty()) {
            report.problems().forEach(p -> err.println("wgate down: " + p));
            return 1;
        }
        if (report.foundAny()) {
            out.println("wgate: " + name + " was not running; removed what its last run left behind: "
                    + report.summary());
            return 0;
        }
        return nothingRunning(name, err);
    }

    private int nothingRunning(String name, PrintStream err) {
        err.println("wgate down: no gateway named " + name + " is running" + foreignLinkHint(name));
        return 1;
    }

    private String foreignLinkHint(String name) {
        try {
            return hostLinks.exists(name) ? "; the interface " + name + " exists, but no wgate gateway holds "
                    + runFiles.lockFile(name) + " (another WireGuard implementation's, or a wgate started with"
                    + " another WGATE_RUN_DIR?)" : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A process holds the lock: stop it if it is a wgate gateway for {@code name}. */
    private int stopRunning(String name, PrintStream out, PrintStream err) {
        OptionalLong pid = awaitOwner(name);
        Optional<ProcessHandle> process = pid.isPresent() ? processes.apply(pid.getAsLong()) : Optional.empty();
        if (process.isEmpty() || !GatewayProcess.serves(process.get(), name)) {
            err.println("wgate down: " + runFiles.lockFile(name) + " is held, but "
                    + (pid.isPresent() ? "process " + pid.getAsLong() : "its holder")
                    + " is not a wgate gateway for " + name + "; another wgate command is probably working on "
                    + name + ": try again");
            return 1;
        }
        ProcessHandle gateway = process.get();
        GatewayStopper.Outcome outcome = stopper.stop(gateway);
        switch (outcome) {
            case NOT_PERMITTED -> {
                err.println("wgate down: not permitted to stop " + name + " (pid " + gateway.pid() + "): run as root");
                return 1;
            }
            case STILL_RUNNING -> {
                err.println("wgate down: " + name + " (pid " + gateway.pid() + ") does not exit even after SIGKILL");
                return 1;
            }
            case KILLED -> err.println("wgate down: " + name + " (pid " + gateway.pid() + ") did not stop within "
                    + seconds(stopper.grace()) + " s; killed it");
            case STOPPED -> {
            }
        }
        return afterStop(name, out, err);
    }

    /** The gateway's process is gone: take its lock and remove whatever it left. */
    private int afterStop(String name, PrintStream out, PrintStream err) {
        Optional<GatewayLock> lock = relock(name);
        if (lock.isEmpty()) {
            err.println("wgate down: " + name + " stopped, but " + runFiles.lockFile(name)
                    + " is held again (a new gateway starting?)");
            return 1;
        }
        try (GatewayLock ignored = lock.get()) {
            Leftovers.Report report = leftovers.remove(name);
            if (report.hostChanges() || !report.problems().isEmpty()) {
                err.println("wgate down: the gateway of " + name + " exited without undoing all its host changes"
                        + (report.problems().isEmpty() ? "; they are undone now" : ""));
                report.problems().forEach(p -> err.println("wgate down: " + p));
                err.println("wgate down: the gateway's log says what failed" + logHint(name));
                return 1;
            }
        } catch (IOException e) {
            // releasing our own lock failed: the process exit releases it
        }
        out.println("wgate: " + name + " is down");
        return 0;
    }

    /** {@code 30} or {@code 0.5}. */
    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

    private String logHint(String name) {
        return java.nio.file.Files.exists(runFiles.logFile(name)) ? " (" + runFiles.logFile(name) + ")" : "";
    }

    /**
     * The pid the lock's holder recorded, waiting up to {@link #OWNER_WAIT} for a gateway that has just
     * taken the lock to replace its predecessor's pid with its own.
     */
    private OptionalLong awaitOwner(String name) {
        long deadlineNanos = System.nanoTime() + OWNER_WAIT.toNanos();
        while (true) {
            OptionalLong pid = GatewayLock.recordedOwner(runFiles.lockFile(name));
            boolean serves = pid.isPresent() && processes.apply(pid.getAsLong())
                    .map(p -> GatewayProcess.serves(p, name)).orElse(false);
            if (serves || System.nanoTime() - deadlineNanos > 0 || !sleep()) {
                return pid;
            }
        }
    }

    private Optional<GatewayLock> relock(String name) {
        long deadlineNanos = System.nanoTime() + RELOCK_WAIT.toNanos();
        while (true) {
            try {
                if (GatewayLock.tryAcquire(runFiles.lockFile(name)) instanceof GatewayLock.Acquired acquired) {
                    return Optional.of(acquired.lock());
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            if (System.nanoTime() - deadlineNanos > 0 || !sleep()) {
                return Optional.empty();
            }
        }
    }

    private static boolean sleep() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
