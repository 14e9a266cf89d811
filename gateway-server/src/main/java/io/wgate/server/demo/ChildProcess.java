package io.wgate.server.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running child process of the demo (a gateway, a web server), usually started through
 * {@code ip netns exec}, which replaces itself with the command so the child's pid is the command's
 * own. Standard output and error go to a log file; standard input is {@code /dev/null}.
 */
final class ChildProcess {

    private final String description;
    private final Process process;
    private final Path log;

    private ChildProcess(String description, Process process, Path log) {
        this.description = description;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command}.
     *
     * @param description what it is, for messages ({@code "wireguard-go on the Satellite gateway"})
     * @param environment variables to set; a {@code null} value removes the variable
     * @param log         file that receives standard output and error
     */
    static ChildProcess start(String description, List<String> command, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        try {
            return new ChildProcess(description, builder.start(), log);
        } catch (IOException e) {
            throw new IOException("cannot start " + description + " (" + command.getFirst() + "): " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return log;
    }

    /** The whole log, or a note saying why it cannot be read. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the log. */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Polls until {@code ready} holds, failing if the process exits first or the time runs out; both
     * failures carry the end of the log.
     *
     * @param what the awaited state as a clause, for messages ({@code "its interface was up"})
     */
    void awaitReady(String what, Duration timeout, Predicate<ChildProcess> ready) throws IOException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (!ready.test(this)) {
            if (!process.isAlive()) {
                throw new IOException(description + " exited with status " + process.exitValue() + " before "
                        + what + "; its output:\n" + indent(logTail(30)));
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException(description + " was not ready within " + timeout.toSeconds()
                        + " s (waiting until " + what + "); its output:\n" + indent(logTail(30)));
            }
            sleepMillis(50);
        }
    }

    /**
     * Asks the process to stop (SIGTERM) and waits up to {@code grace}; kills it (SIGKILL) after that.
     *
     * @return true if it stopped by itself within the grace period
     */
    boolean stop(Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static String indent(String text) {
        return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("    (no output)");
    }

    static void sleepMillis(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    @Override
    public String toString() {
        return description + " (pid " + process.pid() + ")";
    }
}
