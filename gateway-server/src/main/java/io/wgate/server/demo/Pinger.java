package io.wgate.server.demo;

import io.wgate.server.net.CommandResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Pings from inside a namespace: iputils {@code ping} when installed, else the JDK-only {@link Probe}
 * (labelled as such in the result).
 */
public final class Pinger {

    /** How the Java fallback is labelled in output. */
    public static final String JAVA_PROBE = "Java probe, InetAddress.isReachable; ping is not installed";

    private final Shell shell;
    private final JavaRuntime runtime;
    private final Optional<String> ping;

    /** Uses {@code ping} if installed. */
    public Pinger(Shell shell, JavaRuntime runtime) {
        this(shell, runtime, Shell.which("ping").map(Object::toString));
    }

    /** Uses the given {@code ping} binary, or the Java probe when empty. */
    public Pinger(Shell shell, JavaRuntime runtime, Optional<String> ping) {
        this.shell = shell;
        this.runtime = runtime;
        this.ping = ping;
    }

    /** Whether the real {@code ping} is used. */
    public boolean usesPing() {
        return ping.isPresent();
    }

    /** Sends {@code count} echo requests 0.2 s apart from {@code namespace} to {@code target}. */
    public PingResult ping(String namespace, String target, int count) throws IOException {
        Duration timeout = Duration.ofSeconds(count * 3L + 20);
        if (ping.isPresent()) {
            CommandResult result = shell.runIn(timeout, namespace, ping.get(), "-n", "-c", Integer.toString(count),
                    "-i", "0.2", "-W", "2", target);
            return PingResult.parse("ping", result.stdout() + result.stderr());
        }
        List<String> probe = runtime.tool(Probe.class, target, Integer.toString(count));
        CommandResult result = shell.run(timeout, shell.inNamespace(namespace, probe));
        return PingResult.parse(JAVA_PROBE, result.stdout() + result.stderr());
    }

    /**
     * Pings once a second until a reply comes or {@code timeout} passes.
     *
     * @return the successful ping, or the last failed one
     */
    public PingResult awaitReply(String namespace, String target, Duration timeout) throws IOException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (true) {
            PingResult result = ping(namespace, target, 1);
            if (result.received() > 0 || System.nanoTime() - deadlineNanos > 0) {
                return result;
            }
        }
    }
}
