package io.wgate.tun.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What an external command printed and returned; {@link #run} starts one with a timeout.
 *
 * @param command  the command line
 * @param exitCode its exit status
 * @param stdout   everything it wrote to standard output
 * @param stderr   everything it wrote to standard error
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** Whether the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * Returns {@link #stdout()} if the command succeeded.
     *
     * @throws IllegalStateException naming the command, exit status, stderr and stdout otherwise
     */
    public String orThrow() {
        if (!ok()) {
            throw new IllegalStateException(describe("failed with exit status " + exitCode));
        }
        return stdout;
    }

    private String describe(String what) {
        return "command " + String.join(" ", command) + " " + what + "\n  stderr: " + stderr.strip()
                + "\n  stdout: " + stdout.strip();
    }

    /**
     * Runs {@code command}, waits at most {@code timeout}, and captures its output (through temporary files,
     * so a chatty command cannot block on a full pipe).
     *
     * @throws IllegalStateException if it cannot be started or does not finish in time (it is then killed)
     */
    public static CommandResult run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("wgt-cmd", ".out");
            err = Files.createTempFile("wgt-cmd", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                CommandResult partial = new CommandResult(List.copyOf(command), -1, read(out), read(err));
                throw new IllegalStateException(partial.describe("timed out after " + timeout.toMillis() + " ms"));
            }
            return new CommandResult(List.copyOf(command), process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
