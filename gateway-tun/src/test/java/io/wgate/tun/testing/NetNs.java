package io.wgate.tun.testing;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A uniquely named network namespace for one test ({@code ip netns add wgt-<tag>-<pid>-<n>}), deleted by
 * {@link #close()} and, as a safety net, when the JVM exits.
 *
 * <p>Commands run inside it through {@code ip netns exec} ({@link #exec}) or {@code ip -n} ({@link #ip}). To create
 * sockets or TUN devices inside it from Java, move the current platform thread in with {@link #enter()} (FFM
 * {@code setns}); the thread returns to its original namespace when the returned scope closes. File descriptors
 * stay bound to the namespace they were created in, so a TUN opened inside can then be served by an event loop
 * thread that never entered. Threads started while inside inherit the namespace (see {@link NetNsScope}).
 */
public final class NetNs implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetNs.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Path RUN_DIR = Path.of("/run/netns");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(NetNs::deleteLeftovers, "netns-cleanup"));
    }

    private final String name;
    private final String ip;
    private volatile boolean closed;

    private NetNs(String name, String ip) {
        this.name = name;
        this.ip = ip;
    }

    /**
     * Creates namespace {@code wgt-<tag>-<pid>-<n>} with its loopback up.
     *
     * @param tag short identifier of the test class, letters, digits and dashes
     * @throws IllegalStateException if {@code ip} is missing or fails (the message includes its stderr)
     */
    public static NetNs create(String tag) {
        if (!tag.matches("[a-zA-Z0-9-]{1,20}")) {
            throw new IllegalArgumentException("tag '" + tag + "' must be 1 to 20 letters, digits or dashes");
        }
        String ip = findIp().orElseThrow(() -> new IllegalStateException(Executables.notFound("ip")))
                .toString();
        String name = "wgt-" + tag + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        LIVE.add(name);
        NetNs ns = new NetNs(name, ip);
        try {
            run(List.of(ip, "netns", "add", name)).orThrow();
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        LOG.log(Level.DEBUG, "created network namespace {0}", name);
        return ns;
    }

    /** The namespace name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /** The bind mount that pins the namespace: {@code /run/netns/<name>}. */
    public Path path() {
        return RUN_DIR.resolve(name);
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}) and returns what happened. */
    public CommandResult run(String... command) {
        List<String> line = new ArrayList<>(List.of(ip, "netns", "exec", name));
        line.addAll(List.of(command));
        return run(line);
    }

    /**
     * Runs {@code command} inside the namespace and returns its stdout.
     *
     * @throws IllegalStateException with the command, exit status and stderr if it fails or times out
     */
    public String exec(String... command) {
        return run(command).orThrow();
    }

    /** Runs {@code ip -n <name> args} and returns what happened. */
    public CommandResult tryIp(String... args) {
        List<String> line = new ArrayList<>(List.of(ip, "-n", name));
        line.addAll(List.of(args));
        return run(line);
    }

    /**
     * Runs {@code ip -n <name> args} and returns its stdout.
     *
     * @throws IllegalStateException with the command, exit status and stderr if it fails
     */
    public String ip(String... args) {
        return tryIp(args).orThrow();
    }

    /** Moves the current platform thread into this namespace until the returned scope is closed. */
    public NetNsScope enter() {
        return NetNsScope.enter(name, path());
    }

    /** Runs {@code action} on the current thread inside this namespace and returns its result. */
    public <T> T call(Callable<T> action) throws Exception {
        try (NetNsScope ignored = enter()) {
            return action.call();
        }
    }

    /** Deletes the namespace (idempotent); devices inside it go with it once no fd holds them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (Files.exists(path())) {
                run(List.of(ip, "netns", "del", name)).orThrow();
            }
        } finally {
            LIVE.remove(name);
        }
    }

    @Override
    public String toString() {
        return "netns " + name;
    }

    /** The {@code ip} executable from PATH, {@code /usr/sbin} or {@code /sbin}, if installed ({@link Executables}). */
    public static Optional<Path> findIp() {
        return Executables.find("ip");
    }

    private static CommandResult run(List<String> command) {
        return CommandResult.run(TIMEOUT, command);
    }

    private static void deleteLeftovers() {
        Optional<Path> ip = findIp();
        for (String name : LIVE) {
            if (ip.isPresent() && Files.exists(RUN_DIR.resolve(name))) {
                try {
                    CommandResult.run(Duration.ofSeconds(5), List.of(ip.get().toString(), "netns", "del", name));
                } catch (RuntimeException e) {
                    System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
                }
            }
        }
    }
}
