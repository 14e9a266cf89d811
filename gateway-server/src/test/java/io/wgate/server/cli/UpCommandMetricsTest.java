package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.metrics.MetricsOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code wgate up}'s metrics switches: the options, the environment variables, and the background child. */
class UpCommandMetricsTest {

    @Test
    void metricsAreOffUnlessConfigured() {
        UpCommand.Arguments a = UpCommand.metricsFromEnvironment(UpCommand.parse(List.of("site.conf")),
                List.of("site.conf"), null, null);
        assertNull(a.metrics());
        assertEquals(MetricsOptions.DEFAULTS, a.metricsOptions());
    }

    @Test
    void theOptionsSwitchItOnAndReachTheBackgroundChild() throws Exception {
        List<String> args = List.of("site.conf", "--metrics", "127.0.0.1:9100", "--metrics-options",
                "handshake-delay");
        UpCommand.Arguments a = UpCommand.parse(args);
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9100), a.metrics());
        assertTrue(a.metricsOptions().handshakeDelay());
        assertEquals(List.of("--metrics", "127.0.0.1:9100", "--metrics-options", "handshake-delay"),
                a.passThrough());
        UpCommand.Arguments withEnvironment = UpCommand.metricsFromEnvironment(a, args, "10.0.0.1",
                "remote-endpoint");
        assertEquals(a.metrics(), withEnvironment.metrics(), "the option wins over WGATE_METRICS");
        assertEquals(a.metricsOptions(), withEnvironment.metricsOptions(), "and over WGATE_METRICS_OPTIONS");
    }

    @Test
    void theEnvironmentSwitchesItOnWithTheExportersPort() throws Exception {
        UpCommand.Arguments a = UpCommand.metricsFromEnvironment(UpCommand.parse(List.of("site.conf")),
                List.of("site.conf"), "127.0.0.1", "remote-endpoint,peer-series=5");
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9586), a.metrics());
        assertEquals(new MetricsOptions(true, false, 5, 0), a.metricsOptions());
    }

    @Test
    void badValuesAreRefusedNamingTheirSource() {
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("site.conf", "--metrics", "example.org:9586")));
        assertTrue(option.getMessage().contains("not an IP address"), option.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("site.conf", "--metrics")));
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.metricsFromEnvironment(UpCommand.parse(List.of("s.conf")), List.of("s.conf"),
                        "127.0.0.1:99999", null));
        assertTrue(env.getMessage().startsWith("WGATE_METRICS: "), env.getMessage());
        IllegalArgumentException list = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.metricsFromEnvironment(UpCommand.parse(List.of("s.conf")), List.of("s.conf"),
                        null, "bogus"));
        assertTrue(list.getMessage().startsWith("WGATE_METRICS_OPTIONS: "), list.getMessage());
    }

    @Test
    void theBackgroundChildIsRecognisedWithMetricsOptions() {
        assertTrue(GatewayProcess.serves(List.of("java", "-cp", "x", GatewayProcess.MAIN_CLASS, "up",
                "/etc/wireguard/site.conf", "--foreground", "--metrics", "127.0.0.1"), "site"));
    }
}
