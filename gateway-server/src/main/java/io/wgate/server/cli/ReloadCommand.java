package io.wgate.server.cli;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code wgate reload NAME}: makes the gateway serving NAME read its configuration file again and apply the
 * difference ({@link ReloadSignal}), then prints what changed, or why nothing did. It sends the gateway SIGHUP, as
 * {@code systemctl reload} or {@code kill -HUP} would, and waits for the {@link ReloadStatus} that answers it.
 *
 * <p>Exit status: 0 when the reload was applied (or found nothing to change), 1 when it was rejected (the gateway
 * keeps its configuration, untouched), NAME is not running, or no answer came in time.
 */
public final class ReloadCommand {

    static final String USAGE = "Usage: wgate reload NAME";
    /** Long enough for endpoint names to resolve with the default retries, and for many peers. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    private static final int SIGHUP = 1;
    private static final MethodHandle KILL;

    static {
        Linker linker = Linker.nativeLinker();
        KILL = linker.downcallHandle(linker.defaultLookup().findOrThrow("kill"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private ReloadCommand() {
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
            err.println("wgate reload: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        return reload(name, RunFiles.system(), ANSWER_TIMEOUT, out, err);
    }

    static int reload(String name, RunFiles runFiles, Duration timeout, PrintStream out, PrintStream err) {
        OptionalLong pid = runFiles.readPid(name);
        Optional<ProcessHandle> process = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
        if (process.isEmpty() || !GatewayProcess.serves(process.get(), name)) {
            err.println("wgate reload: " + name + " is not running (start it with 'wgate up')");
            return 1;
        }
        long sent = System.currentTimeMillis();
        if (!signal(pid.getAsLong())) {
            err.println("wgate reload: cannot signal " + name + "'s gateway (pid " + pid.getAsLong()
                    + "): permission denied; run as root or as the user the gateway runs as");
            return 1;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ReloadStatus> status = ReloadStatus.read(runFiles, name);
            if (status.isPresent() && status.get().startedMillis() >= sent) {
                return report(name, status.get(), out, err);
            }
            if (!process.get().isAlive()) {
                err.println("wgate reload: " + name + "'s gateway exited before it answered; see its log");
                return 1;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("wgate reload: interrupted; the reload may still complete");
                return 1;
            }
        }
        err.println("wgate reload: " + name + " did not answer within " + timeout.toSeconds() + " s; see its log");
        return 1;
    }

    private static int report(String name, ReloadStatus status, PrintStream out, PrintStream err) {
        if (!status.ok()) {
            status.lines().forEach(line -> err.println("wgate reload: " + line));
            err.println("wgate reload: " + name + " keeps its running configuration");
            return 1;
        }
        if (status.lines().isEmpty()) {
            out.println(name + ": reloaded, no changes");
        } else {
            out.println(name + ": reloaded:");
            status.lines().forEach(line -> out.println("  " + line));
        }
        return 0;
    }

    /** {@code kill(pid, SIGHUP)}; false when the kernel refused it. */
    private static boolean signal(long pid) {
        try {
            return (int) KILL.invokeExact((int) pid, SIGHUP) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(2) failed: " + t, t);
        }
    }
}
