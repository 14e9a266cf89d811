package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void parsesTheThreeForms() {
        Endpoint v4 = Endpoint.parse("203.0.113.2:51820");
        assertEquals(new Endpoint("203.0.113.2", 51820), v4);
        assertTrue(v4.isLiteral());
        assertEquals(InetAddress.ofLiteral("203.0.113.2"), v4.literalAddress().orElseThrow());

        Endpoint v6 = Endpoint.parse("[2001:db8::2]:1");
        assertEquals(new Endpoint("2001:db8::2", 1), v6);
        assertTrue(v6.isLiteral());
        assertEquals("[2001:db8::2]:1", v6.toString());

        Endpoint name = Endpoint.parse("gw-1.example.net:65535");
        assertEquals(new Endpoint("gw-1.example.net", 65535), name);
        assertFalse(name.isLiteral());
        assertEquals("gw-1.example.net:65535", name.toString());
    }

    @Test
    void acceptsAZoneOnLinkLocalAddresses() {
        Endpoint e = Endpoint.parse("[fe80::1%wgtnosuchif0]:51820");
        assertEquals("fe80::1%wgtnosuchif0", e.host());
        assertTrue(e.isLiteral());
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.2", "203.0.113.2:", "203.0.113.2:0", "203.0.113.2:65536", "203.0.113.2:+1",
        "2001:db8::1:51820", "[2001:db8::1]", "[2001:db8::1]51820", "[203.0.113.2]:1", ":1", "a..b:1", "-a:1",
        "1.2.3:1", "[fe80::1%bad zone]:1"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
    }
}
