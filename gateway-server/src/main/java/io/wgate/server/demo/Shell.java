package io.wgate.server.demo;

import io.wgate.server.net.CommandFailedException;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.ProcessCommandRunner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs setup commands of the demo network, on the host or inside a network namespace
 * ({@code ip netns exec NS ...}), each with a timeout and its output captured. {@link #check} turns a
 * non-zero exit status into a {@link CommandFailedException} whose message holds the command and its
 * standard error, for example
 * {@code ip -n wgd1a2b-main addr add 198.51.100.2/24 dev wan0 failed (exit 2): RTNETLINK answers: File exists}.
 */
public final class Shell {

    /** Enough for any {@code ip} command; longer jobs pass their own timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String ip;

    /**
     * A shell using the {@code ip} found on the PATH (or in /usr/sbin, /sbin).
     *
     * @throws IllegalStateException when iproute2 is not installed
     */
    public Shell() {
        this.ip = which("ip").orElseThrow(() -> new IllegalStateException(
                "ip(8) not found: install iproute2 (apt-get install iproute2)")).toString();
    }

    /** The {@code ip} binary in use. */
    public String ip() {
        return ip;
    }

    /** Runs {@code command} on the host within {@code timeout}; any exit status is returned. */
    public CommandResult run(Duration timeout, List<String> command) throws IOException {
        return new ProcessCommandRunner(timeout).run(command);
    }

    /** Runs {@code command} on the host within {@link #DEFAULT_TIMEOUT}; any exit status is returned. */
    public CommandResult run(List<String> command) throws IOException {
        return run(DEFAULT_TIMEOUT, command);
    }

    /**
     * Runs {@code command} on the host and insists on exit status 0.
     *
     * @throws CommandFailedException naming the command, its status and its standard error
     * @throws IOException            when it cannot start or does not finish within {@code timeout}
     */
    public CommandResult check(Duration timeout, List<String> command) throws IOException {
        CommandResult result = run(timeout, command);
        if (result.exitCode() != 0) {
            throw new CommandFailedException(result);
        }
        return result;
    }

    /** {@link #check(Duration, List)} with {@link #DEFAULT_TIMEOUT}. */
    public CommandResult check(List<String> command) throws IOException {
        return check(DEFAULT_TIMEOUT, command);
    }

    /** {@code ip netns exec namespace command...} as an argument vector. */
    public List<String> inNamespace(String namespace, List<String> command) {
        List<String> line = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
        line.addAll(command);
        return line;
    }

    /** Runs {@code command} inside {@code namespace}; any exit status is returned. */
    public CommandResult runIn(Duration timeout, String namespace, String... command) throws IOException {
        return run(timeout, inNamespace(namespace, List.of(command)));
    }

    /** Runs {@code command} inside {@code namespace} and insists on exit status 0. */
    public CommandResult checkIn(Duration timeout, String namespace, String... command) throws IOException {
        return check(timeout, inNamespace(namespace, List.of(command)));
    }

    /** Runs {@code ip -n namespace args...} and insists on exit status 0. */
    public CommandResult ipIn(String namespace, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of(ip, "-n", namespace));
        line.addAll(List.of(args));
        return check(line);
    }

    /** Runs {@code ip -n namespace args...}; any exit status is returned. */
    public CommandResult tryIpIn(String namespace, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of(ip, "-n", namespace));
        line.addAll(List.of(args));
        return run(line);
    }

    /** Runs {@code ip args...} on the host and insists on exit status 0. */
    public CommandResult ipHost(String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of(ip));
        line.addAll(List.of(args));
        return check(line);
    }

    /**
     * Finds an executable on the PATH, then in the sbin directories (which a non-login root shell may
     * lack on its PATH).
     */
    public static Optional<Path> which(String program) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
