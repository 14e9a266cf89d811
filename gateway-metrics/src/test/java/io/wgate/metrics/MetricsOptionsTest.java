package io.wgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsOptionsTest {

    @Test
    void parsesEveryOption() {
        MetricsOptions options = MetricsOptions.parse(MetricsOptions.DEFAULTS,
                " remote-endpoint , handshake-delay,peer-series=20, ready-handshake=180");
        assertEquals(new MetricsOptions(true, true, 20, 180), options);
        assertEquals(MetricsOptions.DEFAULTS, MetricsOptions.parse(MetricsOptions.DEFAULTS, " "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"remote", "peer-series", "peer-series=-1", "peer-series=x", "handshake-delay=1",
        "ready-handshake=99999999999"})
    void rejectsWhatItDoesNotUnderstandNamingIt(String list) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsOptions.parse(MetricsOptions.DEFAULTS, list));
        assertTrue(e.getMessage().contains(list.contains("=") ? list.substring(0, list.indexOf('=')) : list),
                e.getMessage());
    }

    @Test
    void listenAddressesDefaultToTheExportersPort() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9586), ListenAddress.parse("127.0.0.1"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 9100), ListenAddress.parse("10.1.2.3:9100"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 9586), ListenAddress.parse("[::1]"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::"), 80), ListenAddress.parse("[::]:80"));
        assertEquals(new InetSocketAddress(9586), ListenAddress.parse(":9586"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost:9586", "127.0.0.1:0", "127.0.0.1:65536", "::1:9586", "[::1", "[::1]x",
        "300.1.1.1", "1.2.3:9586", "127.0.0.1:http"})
    void rejectsBadListenAddresses(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(text));
        assertTrue(e.getMessage().startsWith("metrics address") || e.getMessage().contains("empty"), e.getMessage());
    }
}
