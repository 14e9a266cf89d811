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
import java.util.regex.Pattern;

/**
 * Starts a gateway in the background: first checks that none runs for the interface (its
 * {@link GatewayLock} is free) and that the run directory and the log are writable, then starts the
 * same JVM command line, {@code up CONFIG --foreground} (or {@code userspace --foreground NAME}), in a new
 * session ({@code setsid}) with its output appended to {@code <run dir>/<if>.log}; then waits until the
 * child has written its pid file (it does so only once the interface is up and serving), or reports the
 * child's own error output if it exits first.
 *
 * <p>The gateway is not this JVM's child: a short {@code sh} starts it as a background job, prints its pid
 * and exits at once. A child still running when a JVM exits holds the exit up by about 300 ms (the JDK's
 * process reaper waits in native code, and the VM waits for threads in native code before it exits), which
 * {@code wgate up} would spend after the gateway is already serving.
 *
 * <p>If this waiting parent is killed (Ctrl-C), the gateway is not: it comes up in the background all
 * the same, silently; {@code wgate down NAME} stops it.
 */
final class Daemon {

    static final long READY_TIMEOUT_MILLIS = 120_000;
    /** How often the pid file and the gateway are looked at while it starts. */
    static final long POLL_MILLIS = 10;
    /** A log record below WARNING ({@link Logging}'s format): the gateway's own account, not the error. */
    private static final Pattern MINOR_LOG_RECORD = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\S+Z (INFO|CONFIG|FINE|FINER|FINEST) .*");

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
        long pid;
        try {
            logStart = Files.exists(log) ? Files.size(log) : 0;
            pid = launch(command(childArguments), log);
        } catch (IOException e) {
            err.println(command + ": cannot start the gateway process: " + e.getMessage());
            return 1;
        }
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            boolean alive = isRunning(pid);
            OptionalLong written = runFiles.readPid(name);
            if (alive && written.isPresent() && written.getAsLong() == pid) {
                out.println("wgate: " + name + " is up (pid " + pid + ", log " + log + ")");
                return 0;
            }
            if (!alive) {
                err.print(errorLines(tail(log, logStart)));
                err.println(command + ": the gateway exited before it came up; see " + log);
                return 1;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                return 1;
            }
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        err.println(command + ": " + name + " did not come up within " + READY_TIMEOUT_MILLIS / 1000 + " s; see " + log);
        return 1;
    }

    /**
     * Starts {@code command} through {@code sh} as a background job, its input {@code /dev/null} and its output
     * appended to {@code log}; the job's pid, which {@code sh} prints before it exits.
     */
    static long launch(List<String> command, Path log) throws IOException {
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c",
                "log=$1; shift; \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!", "sh", log.toString()));
        line.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process starter = builder.start();
        String printed;
        try (var in = starter.getInputStream()) {
            printed = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
        try {
            starter.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return Long.parseLong(printed);
        } catch (NumberFormatException e) {
            throw new IOException("sh did not start it (it printed '" + printed + "'; see " + log + ")", e);
        }
    }

    /**
     * Whether process {@code pid} runs: it exists and is not a zombie (the gateway is not our child: where
     * no init reaps orphans, a dead one stays a zombie).
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int afterName = stat.lastIndexOf(')');
            char state = afterName >= 0 && afterName + 2 < stat.length() ? stat.charAt(afterName + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * {@code output} less the gateway's log records below WARNING: what {@code wgate up} shows on the terminal
     * when the gateway stops before it came up is the error, not its account of the start.
     */
    static String errorLines(String output) {
        StringBuilder kept = new StringBuilder();
        output.lines().filter(line -> !MINOR_LOG_RECORD.matcher(line).matches())
                .forEach(line -> kept.append(line).append('\n'));
        return kept.toString();
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
