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

/**
 * Runs commands with {@link ProcessBuilder}: standard input is {@code /dev/null}, standard output and
 * error go to private temporary files (so a hook that leaves a background process holding them cannot
 * block us), and a command still running after the timeout is killed with its descendants.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** Enough for {@code ip} and {@code sysctl}; hooks that take longer are probably stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Output beyond this is dropped (we only ever parse a few lines). */
    static final int MAX_OUTPUT_BYTES = 1 << 20;

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

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }
}
