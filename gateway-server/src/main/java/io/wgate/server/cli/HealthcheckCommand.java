package io.wgate.server.cli;

import io.wgate.server.net.HostLinks;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.server.uapi.UapiClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code wgate healthcheck NAME}: for Docker's {@code HEALTHCHECK} and systemd. Read-only and independent of the
 * Internet: it takes no lock and sends no packet. Healthy when, in turn, the pid file names a live wgate gateway
 * process for NAME, its UAPI socket answers {@code get} within {@link #UAPI_TIMEOUT}, and the TUN link NAME exists
 * in this network namespace. Prints one line and exits 0 (healthy) or 1 (with the first reason it is not).
 */
public final class HealthcheckCommand {

    static final String USAGE = "Usage: wgate healthcheck NAME";
    static final Duration UAPI_TIMEOUT = Duration.ofSeconds(5);

    /** What the check asks the system; replaced in tests. */
    interface Probes {
        OptionalLong pid(String name);

        boolean servesGateway(long pid, String name);

        DeviceStatus uapiGet(String name) throws Exception;

        boolean linkExists(String name) throws Exception;
    }

    private HealthcheckCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, system(RunFiles.system()));
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Probes probes) {
        if (args.size() != 1) {
            err.println(USAGE);
            return 1;
        }
        String name;
        try {
            name = InterfaceName.of(args.getFirst());
        } catch (IllegalArgumentException e) {
            err.println("wgate healthcheck: " + e.getMessage());
            return 1;
        }
        String verdict = check(name, probes);
        boolean healthy = verdict.startsWith("healthy");
        (healthy ? out : err).println("wgate healthcheck: " + name + ": " + verdict);
        return healthy ? 0 : 1;
    }

    /** {@code healthy (...)} or {@code unhealthy: reason}. */
    static String check(String name, Probes probes) {
        OptionalLong pid = probes.pid(name);
        if (pid.isEmpty()) {
            return "unhealthy: not running (no pid file; start it with 'wgate up')";
        }
        if (!probes.servesGateway(pid.getAsLong(), name)) {
            return "unhealthy: the pid file names " + pid.getAsLong() + ", which is not a running wgate gateway for "
                    + name;
        }
        DeviceStatus device;
        try {
            device = probes.uapiGet(name);
        } catch (TimeoutException e) {
            return "unhealthy: the UAPI socket did not answer 'get' within " + UAPI_TIMEOUT.toSeconds() + " s";
        } catch (Exception e) {
            return "unhealthy: the UAPI socket does not answer: " + e.getMessage();
        }
        try {
            if (!probes.linkExists(name)) {
                return "unhealthy: the TUN link " + name + " does not exist in this network namespace";
            }
        } catch (Exception e) {
            return "unhealthy: cannot check the TUN link: " + e.getMessage();
        }
        long newest = 0;
        for (PeerStatus peer : device.peers()) {
            newest = Math.max(newest, peer.lastHandshakeEpochSeconds());
        }
        String handshake = newest == 0 ? "no handshake yet"
                : "latest handshake " + Math.max(0, System.currentTimeMillis() / 1000 - newest) + " s ago";
        return "healthy (pid " + pid.getAsLong() + ", " + device.peers().size() + " peer(s), " + handshake + ")";
    }

    static Probes system(RunFiles runFiles) {
        return new Probes() {
            @Override
            public OptionalLong pid(String name) {
                return runFiles.readPid(name);
            }

            @Override
            public boolean servesGateway(long pid, String name) {
                return ProcessHandle.of(pid).map(p -> GatewayProcess.serves(p, name)).orElse(false);
            }

            @Override
            public DeviceStatus uapiGet(String name) throws Exception {
                UapiClient client = UapiClient.connect(name);
                CompletableFuture<DeviceStatus> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.get();
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, runnable -> Thread.ofVirtual().start(runnable));
                try {
                    return answer.get(UAPI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                } finally {
                    client.close(); // also ends a read that is still waiting
                }
            }

            @Override
            public boolean linkExists(String name) throws Exception {
                return HostLinks.system().exists(name);
            }
        };
    }
}
