package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..3.4", "1.2.3.4 ",
        "[::1]", "fe80::1%eth0", "::g", "1:2:3:4:5:6:7:8:9", "host.example"})
    void rejectsNonLiterals(String text) {
        assertTrue(IpLiteral.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0.0.0.0",
        "203.0.113.2, 203.0.113.2",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "::, ::",
        "::1, ::1",
        "fd00:0:0:1:0:0:0:1, fd00:0:0:1::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "2001:db8::1.2.3.4, 2001:db8::102:304"
    })
    void formatsAsRfc5952(String text, String expected) {
        assertEquals(expected, IpLiteral.format(IpLiteral.parse(text).orElseThrow()));
    }

    @Test
    void keepsIpv4MappedAddressesAsIpv6() {
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("::ffff:192.0.2.1").orElseThrow());
        assertEquals(128, IpLiteral.bits(IpLiteral.parse("::ffff:192.0.2.1").orElseThrow()));
    }
}
