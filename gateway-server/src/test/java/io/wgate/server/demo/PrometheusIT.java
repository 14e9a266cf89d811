package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.LISTEN_PORT;
import static io.wgate.server.demo.Addressing.MAIN_WAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.net.CommandResult;
import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics against the real thing: the two-office network with wgate on both gateways, the Main Office gateway
 * serving {@code /metrics} on its namespace's loopback, and Debian's {@code prometheus} started in that namespace
 * (temporary config and data directory, loopback only) scraping it every second while Host A pings Host B through
 * the tunnel. Prometheus's HTTP API then answers the expressions dashboards use: {@code rate(wireguard_sent_bytes_total[1m])}
 * is positive, {@code time() - wireguard_latest_handshake_seconds} is small, {@code count(wireguard_latest_handshake_seconds > 0)}
 * is the one peer that shook hands, and junk datagrams sent to the gateway show up as drops by reason. Also:
 * {@code promtool check metrics} accepts the live exposition, {@code /readyz} says ready and
 * {@code wgate healthcheck} says healthy.
 */
@Privileged
@RequiresCommands({"ping", "curl", "prometheus", "promtool"})
class PrometheusIT {

    static final String METRICS = "127.0.0.1:9586";
    static final String PROMETHEUS = "127.0.0.1:9090";
    static final Duration QUERY_DEADLINE = Duration.ofSeconds(90);
    static final int JUNK_DATAGRAMS = 25;
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"]");

    private TwoOffices offices;

    @RegisterExtension
    final GatewayLogsOnFailure logs = new GatewayLogsOnFailure(() -> offices);

    @AfterEach
    void removeEverything() {
        OfficesTeardown.closeAndCheck(offices);
    }

    @Test
    void prometheusSeesTheTunnelThroughTheExporterCompatibleFamily() throws Exception {
        offices = TwoOffices.open(new TwoOffices.Options(GatewayKind.WGATE, GatewayKind.WGATE, EndpointMode.BOTH,
                TestRuntime.runtime()).withWgateEnvironment(Map.of("WGATE_METRICS", METRICS,
                "WGATE_METRICS_OPTIONS", "handshake-delay")));
        offices.startGateways();
        SiteNames n = offices.names();
        String ns = n.main();
        Pinger pinger = new Pinger(offices.shell(), offices.options().runtime());
        PingResult contact = pinger.awaitReply(n.hostA(), HOST_B, Duration.ofSeconds(20));
        assertTrue(contact.received() > 0, "no first contact:\n" + contact.output());

        startPrometheus(ns);
        Process traffic = background(n.hostA(), "traffic.log", "ping", "-q", "-i", "0.05", "-s", "1200", "-c", "1200",
                HOST_B);
        sendJunk(n.internet());

        String iface = "interface=\"" + n.mainInterface() + "\"";
        // A 1200-byte ping every 50 ms is about 25 kB/s each way; the first rates cover only a few samples.
        assertTrue(awaitQuery(ns, "rate(wireguard_sent_bytes_total{" + iface + "}[1m])", v -> v > 1000) > 1000);
        awaitQuery(ns, "rate(wireguard_received_bytes_total[1m])", v -> v > 1000);
        double age = awaitQuery(ns, "time() - wireguard_latest_handshake_seconds", v -> true);
        assertTrue(age >= 0 && age < 120, "the handshake is recent: " + age + " s");
        assertEquals(1, awaitQuery(ns, "count(wireguard_latest_handshake_seconds > 0)", v -> true));
        assertTrue(awaitQuery(ns, "wireguard_latest_handshake_delay_seconds", v -> true) < 120);
        assertTrue(awaitQuery(ns, "sum(wgate_dropped_packets_total{layer=\"engine\",reason=\"malformed_header\"})",
                v -> v >= JUNK_DATAGRAMS) >= JUNK_DATAGRAMS);
        assertTrue(awaitQuery(ns, "wgate_handshakes_completed_total", v -> v >= 1) >= 1);
        traffic.destroy();

        CommandResult lint = offices.shell().runIn(Duration.ofSeconds(30), ns, "bash", "-c",
                "curl -sS --max-time 5 http://" + METRICS + "/metrics | " + Executables.require("promtool")
                        + " check metrics");
        assertEquals(0, lint.exitCode(), "promtool check metrics:\n" + lint.stdout() + lint.stderr());
        CommandResult ready = offices.shell().runIn(Duration.ofSeconds(10), ns, "curl", "-sS", "--max-time", "5",
                "http://" + METRICS + "/readyz");
        assertEquals("ready", ready.stdout().strip());
        List<String> healthcheck = offices.shell().inNamespace(ns, offices.options().runtime().wgate("healthcheck",
                n.mainInterface()));
        CommandResult health = offices.shell().run(Duration.ofSeconds(60), healthcheck);
        assertEquals(0, health.exitCode(), health.stdout() + health.stderr());
        assertTrue(health.stdout().contains(": healthy (pid "), health.stdout());
    }

    /** Prometheus in {@code ns}, scraping the gateway every second, its API on the namespace's loopback. */
    private void startPrometheus(String ns) throws IOException, InterruptedException {
        Path dir = offices.workDir().resolve("prometheus");
        Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: wgate
                    static_configs:
                      - targets: ['%s']
                """.formatted(METRICS));
        Process prometheus = background(ns, "prometheus/prometheus.log", Executables.require("prometheus").toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + PROMETHEUS);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!prometheus.isAlive()) {
                throw new AssertionError("prometheus exited:\n" + Files.readString(dir.resolve("prometheus.log")));
            }
            if (curl(ns, "http://" + PROMETHEUS + "/-/ready").exitCode() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("prometheus did not become ready:\n" + Files.readString(dir.resolve("prometheus.log")));
    }

    /** Datagrams of an unknown message type from the Internet router to the Main Office gateway. */
    private void sendJunk(String internet) throws IOException {
        CommandResult sent = offices.shell().runIn(Duration.ofSeconds(30), internet, "bash", "-c",
                "for i in $(seq 1 " + JUNK_DATAGRAMS + "); do printf '\\x09\\x00\\x00\\x00junk' > /dev/udp/"
                        + MAIN_WAN + "/" + LISTEN_PORT + "; done");
        assertEquals(0, sent.exitCode(), sent.stderr());
    }

    /** Polls Prometheus until {@code expression} has one sample accepted by {@code until}; returns its value. */
    private double awaitQuery(String ns, String expression, Predicate<Double> until) throws Exception {
        long deadline = System.nanoTime() + QUERY_DEADLINE.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            CommandResult result = offices.shell().runIn(Duration.ofSeconds(10), ns, "curl", "-sS", "--max-time", "5",
                    "-G", "http://" + PROMETHEUS + "/api/v1/query", "--data-urlencode", "query=" + expression);
            last = result.stdout();
            Matcher m = VALUE.matcher(last);
            List<Double> values = new ArrayList<>();
            while (m.find()) {
                values.add(Double.parseDouble(m.group(1)));
            }
            if (values.size() == 1 && until.test(values.getFirst())) {
                return values.getFirst();
            }
            if (values.size() > 1) {
                throw new AssertionError(expression + " has " + values.size() + " series: " + last);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(expression + " did not reach the expected value within " + QUERY_DEADLINE.toSeconds()
                + " s; last answer: " + last);
    }

    private CommandResult curl(String ns, String url) throws IOException {
        return offices.shell().runIn(Duration.ofSeconds(10), ns, "curl", "-sS", "--max-time", "3", "-o", "/dev/null",
                url);
    }

    /** A process in {@code ns}, output to {@code log} in the work directory, stopped before the gateways. */
    private Process background(String ns, String log, String... command) throws IOException {
        Process process = new ProcessBuilder(offices.shell().inNamespace(ns, List.of(command)))
                .redirectErrorStream(true).redirectOutput(offices.workDir().resolve(log).toFile()).start();
        offices.track(() -> {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        return process;
    }
}
