package io.wgate.server.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Starts a gateway in the background: first checks that none runs for the interface (its
 * {@link GatewayLock} is free) and that the run directory and the log are writable, then starts the
 * same JVM command line, {@code up CONFIG --foreground} (or {@code userspace --foreground NAME}), in a new
 * session ({@code setsid}) with its output appended to {@code <run dir>/<if>.log}; then waits until the
 * child has written its pid file (it does so only once the interface is up and serving), or reports the
 * child's own error output if it exits first.
 *
 * <p>If this waiting parent is killed (Ctrl-C), the child is not: it comes up in the background all
 * the same, silently; {@code wgate down NAME} stops it.
 */
final class Daemon {

    static final long READY_TIMEOUT_MILLIS = 120_000;

    private Daemon() {
    }

    static int start(String name, UpCommand.Arguments arguments, RunFiles runFiles, PrintStream out, PrintStream err) {
        return start(name, childArguments(arguments), "wgate up", runFiles, out, err);
    }

    /**
     * Starts {@code wgate CHILD-ARGUMENTS} (a foreground gateway for {@code name}) in the background and waits as
     * the class comment says; {@code command} prefixes the error messages ({@code wgate up}).
     */
    static int start(String name, List<String> childArguments, String command, RunFiles runFiles, PrintStream out,
                     PrintStream err) {
        String problem = checkCanStart(name, runFiles);
        if (problem != null) {
            err.println(command + ": " + problem);
            return 1;
        }
        Path log = runFiles.logFile(name);
        long logStart;
        Process child;
        try {
            logStart = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder builder = new ProcessBuilder(command(childArguments));
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.redirectErrorStream(true);
            child = builder.start();
        } catch (IOException e) {
            err.println(command + ": cannot start the gateway process: " + e.getMessage());
            return 1;
        }
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            OptionalLong pid = runFiles.readPid(name);
            if (pid.isPresent() && pid.getAsLong() == child.pid() && child.isAlive()) {
                out.println("wgate: " + name + " is up (pid " + child.pid() + ", log " + log + ")");
                return 0;
            }
            if (!child.isAlive()) {
                err.print(tail(log, logStart));
                err.println(command + ": the gateway exited with status " + child.exitValue() + "; see " + log);
                return 1;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroy();
                return 1;
            }
        }
        child.destroy();
        err.println(command + ": " + name + " did not come up within " + READY_TIMEOUT_MILLIS / 1000 + " s; see " + log);
        return 1;
    }

    /**
     * Null when a background gateway can be started: no gateway holds the lock (probed and released
     * again: the child takes it for good), and the log (created with mode 0600, or tightened to it) can be
     * appended to. Else what stands in the way.
     */
    static String checkCanStart(String name, RunFiles runFiles) {
        Path lockFile = runFiles.lockFile(name);
        try {
            GatewayLock.Attempt attempt = GatewayLock.tryAcquire(lockFile);
            if (attempt instanceof GatewayLock.Held held) {
                return UpCommand.alreadyRunning(name, held);
            }
            ((GatewayLock.Acquired) attempt).lock().close();
        } catch (IOException e) {
            return RunFiles.describe(lockFile, e);
        }
        Path log = runFiles.logFile(name);
        try {
            runFiles.prepareLog(name);
        } catch (IOException e) {
            return RunFiles.describe(log, e);
        }
        try (OutputStream ignored = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            return null;
        } catch (IOException e) {
            return RunFiles.describe(log, e);
        }
    }

    /** This JVM's command line, re-aimed at {@code up CONFIG --foreground}, warnings already printed. */
    static List<String> command(UpCommand.Arguments arguments) {
        return command(childArguments(arguments));
    }

    /** {@code up CONFIG --foreground} and the options passed through. */
    private static List<String> childArguments(UpCommand.Arguments arguments) {
        List<String> child = new ArrayList<>();
        child.add("up");
        child.add(arguments.config().toAbsolutePath().toString());
        child.add("--foreground");
        child.addAll(arguments.passThrough());
        return child;
    }

    /** This JVM's command line, re-aimed at {@code childArguments}. */
    private static List<String> command(List<String> childArguments) {
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid"); // its own session: a closing terminal does not take it down
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmArguments);
        if (jvmArguments.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
            command.add("--enable-native-access=ALL-UNNAMED"); // the jar's manifest says so; -cp does not read it
        }
        command.add("-D" + UpCommand.BACKGROUND_CHILD_PROPERTY + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(io.wgate.server.Main.class.getName());
        command.addAll(childArguments);
        return command;
    }

    /** What the child wrote to the log since {@code from}. */
    private static String tail(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
