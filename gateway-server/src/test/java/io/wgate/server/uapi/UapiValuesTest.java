package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UapiValuesTest {

    @Test
    void keysRoundTripAsLowercaseHex() {
        byte[] key = TestEngines.publicKey(7);
        String hex = UapiValues.formatKey(key);
        assertEquals(64, hex.length());
        assertEquals(hex.toLowerCase(), hex);
        assertArrayEquals(key, UapiValues.parseKey(hex));
        assertArrayEquals(key, UapiValues.parseKey(hex.toUpperCase()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "0000000000000000000000000000000000000000000000000000000000000000a",
            "000000000000000000000000000000000000000000000000000000000000000g",
            "０000000000000000000000000000000000000000000000000000000000000000"})
    void rejectsKeysThatAreNot64HexDigits(String text) {
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseKey(text));
    }

    @Test
    void parsesDecimalLikeGoParseUint() {
        assertEquals(65535, UapiValues.parseU16("65535"));
        assertEquals(7, UapiValues.parseU16("0007"));
        assertEquals(-1, UapiValues.parseU32("4294967295"));
        assertEquals(Long.MAX_VALUE, UapiValues.parseUnsigned("9223372036854775807", Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseU16("65536"));
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseU32("4294967296"));
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseUnsigned("9223372036854775808",
                Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseU16("99999999999999999999999"));
        assertThrows(IllegalArgumentException.class, () -> UapiValues.parseU16("١٢"));
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1:51820, 192.0.2.1:51820",
            "[2001:db8::1]:51820, [2001:db8::1]:51820",
            "[2001:DB8:0:0:0:0:0:1]:1, [2001:db8::1]:1",
            "[::ffff:192.0.2.1]:7, [::ffff:192.0.2.1]:7",
            "[fe80::1%999]:51820, [fe80::1%999]:51820",
            "[fe80::1%lo]:51820, [fe80::1%lo]:51820",
            "0.0.0.0:0, 0.0.0.0:0",
            "[::]:65535, [::]:65535"})
    void endpointsRoundTripInGoNetipForm(String text, String formatted) {
        assertEquals(formatted, UapiValues.formatEndpoint(UapiValues.parseEndpoint(text)));
    }

    @Test
    void ipv4MappedEndpointStaysIpv6() {
        InetSocketAddress endpoint = UapiValues.parseEndpoint("[::ffff:192.0.2.1]:7");
        assertTrue(endpoint.getAddress() instanceof Inet6Address);
        assertFalse(endpoint.isUnresolved());
    }

    @Test
    void formatsEndpointsBuiltElsewhere() throws Exception {
        assertEquals("198.51.100.7:443", UapiValues.formatEndpoint(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 7}), 443)));
        assertEquals("[2001:db8:0:1::]:1", UapiValues.formatEndpoint(new InetSocketAddress(
                InetAddress.getByAddress(HexFormat.of().parseHex("20010db8000000010000000000000000")), 1)));
    }

    @Test
    void prefixesClearHostBitsAndKeepMappedIpv6() {
        assertEquals(Prefix.parse("10.0.0.0/8"), UapiValues.parsePrefix("10.1.2.3/8"));
        assertEquals("0.0.0.0/0", UapiValues.parsePrefix("0.0.0.0/0").toString());
        Prefix mapped = UapiValues.parsePrefix("::ffff:10.0.0.0/104");
        assertFalse(mapped.isIpv4());
        assertEquals(104, mapped.cidr());
        assertEquals("::ffff:10.0.0.0/104", UapiValues.formatPrefix(mapped));
        assertEquals("2001:db8::/32", UapiValues.formatPrefix(UapiValues.parsePrefix("2001:db8:0:0::1/32")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            endpoint  | 192.0.2.1             | no port (want address:port)
            endpoint  | [::1]                 | no port after ']' (want [IPv6]:port)
            endpoint  | [::1:51820            | no ']' after '[' (want [IPv6]:port)
            endpoint  | [192.0.2.1]:1         | no IPv6 address in the brackets
            endpoint  | 192.0.2.1:x           | port: not a decimal number (character 1 is not a digit)
            endpoint  | 192.0.2.1:70000       | port: out of range 0..65535
            endpoint  | host.example:1        | the address is not IPv4 (want IPv4:port or [IPv6]:port; host names are not resolved here)
            endpoint  | [fe80::1%nosuchif9]:1 | the zone is not a local interface
            prefix    | 10.0.0.0              | no prefix length (want address/prefix-length)
            prefix    | 10.0.0.0/33           | prefix length out of range 0..32
            prefix    | fd00::/129            | prefix length out of range 0..128
            prefix    | 10.0.0.0/08           | the prefix length is not a number
            prefix    | lan/8                 | the address is not an IP address (want address/prefix-length)
            number    | 12a                   | not a decimal number (character 3 is not a digit)
            number    | 123456789012345678901 | not a decimal number (21 characters)
            """)
    void messagesSayWhatIsWrongWithoutTheValue(String kind, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (kind) {
                case "endpoint" -> UapiValues.parseEndpoint(value);
                case "prefix" -> UapiValues.parsePrefix(value);
                default -> UapiValues.parseU16(value);
            }
        });
        assertEquals(message, e.getMessage());
    }
}
