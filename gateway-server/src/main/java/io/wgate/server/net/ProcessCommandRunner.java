package io.wgate.server.net;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands with {@link ProcessBuilder}: standard input is {@code /dev/null}, standard output and
 * error go to private temporary files (so a hook that leaves a background process holding them cannot
 * block us), and a command still running after the timeout is killed with its descendants. An
 * interrupt of the waiting thread (a gateway asked to stop while a hook runs) kills the command and its
 * descendants the same way, waits briefly for them to be gone, and ends in an
 * {@link InterruptedIOException} with the thread's interrupt status set.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** Enough for {@code ip} and {@code sysctl}; hooks that take longer are probably stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Output beyond this is dropped (we only ever parse a few lines). */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    /** How long a killed command and its descendants get to disappear. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Duration timeout;

    public ProcessCommandRunner() {
        this(DEFAULT_TIMEOUT);
    }

    public ProcessCommandRunner(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    @Override
    public CommandResult run(List<String> command) throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Path out = Files.createTempFile("wgate-cmd-", ".out");
        Path err = Files.createTempFile("wgate-cmd-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                if (!process.waitFor(timeout)) {
                    kill(process);
                    throw new IOException(CommandResult.display(command) + " did not finish within "
                            + timeout.toSeconds() + " s and was killed");
                }
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while running " + CommandResult.display(command));
            }
            return new CommandResult(command, process.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * SIGKILLs the command and every descendant (found before the command dies, as its orphans would
     * be re-parented), then waits up to {@link #KILL_WAIT} for them to be gone, whatever the caller's
     * interrupt status, which it keeps.
     */
    static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        boolean interrupted = Thread.interrupted();
        try {
            long deadlineNanos = System.nanoTime() + KILL_WAIT.toNanos();
            awaitExit(process.toHandle(), deadlineNanos);
            for (ProcessHandle descendant : descendants) {
                awaitExit(descendant, deadlineNanos);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitExit(ProcessHandle handle, long deadlineNanos) {
        try {
            handle.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // gone or stuck in the kernel: nothing more to do
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }
}
