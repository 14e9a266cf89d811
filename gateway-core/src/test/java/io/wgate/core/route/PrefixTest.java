package io.wgate.core.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8",
        "10.1.2.3/8, 10.0.0.0/8",
        "192.0.2.77/27, 192.0.2.64/27",
        "0.0.0.0/0, 0.0.0.0/0",
        "255.255.255.255/0, 0.0.0.0/0",
        "198.51.100.7, 198.51.100.7/32",
        "' 203.0.113.9/32 ', 203.0.113.9/32",
        "fd00::/64, fd00::/64",
        "fd00::1:2:3/64, fd00::/64",
        "2001:DB8::1/128, 2001:db8::1/128",
        "2001:db8::1, 2001:db8::1/128",
        "::/0, ::/0",
        "2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/83, 2607:5300:6d8a:6bf8:dab1:e000::/83",
    })
    void parsesMasksAndPrints(String text, String expected) {
        assertEquals(expected, Prefix.parse(text).toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33    | bad prefix '10.0.0.0/33': prefix length 33 is out of range 0..32 for IPv4",
        "fd00::/129     | bad prefix 'fd00::/129': prefix length 129 is out of range 0..128 for IPv6",
        "10.0.0.0/-1    | bad prefix '10.0.0.0/-1': prefix length '-1' is not a number",
        "10.0.0.0/+8    | bad prefix '10.0.0.0/+8': prefix length '+8' is not a number",
        "10.0.0.0/      | bad prefix '10.0.0.0/': prefix length '' is not a number",
        "10.0.0.0/8/8   | bad prefix '10.0.0.0/8/8': prefix length '8/8' is not a number",
        "10.0.0.0/0008  | bad prefix '10.0.0.0/0008': prefix length '0008' is not a number",
        "10.0.0/8       | bad prefix '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address",
        "256.0.0.0/8    | bad prefix '256.0.0.0/8': '256.0.0.0' is not an IPv4 or IPv6 address",
        "example.com/8  | bad prefix 'example.com/8': 'example.com' is not an IPv4 or IPv6 address",
        "[fd00::]/64    | bad prefix '[fd00::]/64': '[fd00::]' is not an IPv4 or IPv6 address",
        "fe80::1%eth0   | bad prefix 'fe80::1%eth0': 'fe80::1%eth0' is not an IPv4 or IPv6 address",
        "/8             | bad prefix '/8': missing address",
    })
    void rejectsMalformedTextNamingTheProblem(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void constructorValidatesAndCopies() {
        assertThrows(IllegalArgumentException.class, () -> new Prefix(new byte[5], 8));
        assertThrows(IllegalArgumentException.class, () -> new Prefix(new byte[4], 33));
        assertThrows(IllegalArgumentException.class, () -> new Prefix(new byte[16], -1));
        byte[] address = {10, 1, 2, 3};
        Prefix prefix = new Prefix(address, 16);
        address[0] = 99;
        assertArrayEquals(new byte[] {10, 1, 0, 0}, prefix.address(), "masked copy, not the caller's array");
        prefix.address()[0] = 99;
        assertEquals("10.1.0.0/16", prefix.toString(), "accessor hands out a copy");
    }

    @Test
    void equalityIsByContent() {
        assertEquals(Prefix.parse("10.1.2.3/8"), Prefix.parse("10.0.0.0/8"));
        assertEquals(Prefix.parse("10.1.2.3/8").hashCode(), Prefix.parse("10.0.0.0/8").hashCode());
        assertNotEquals(Prefix.parse("10.0.0.0/8"), Prefix.parse("10.0.0.0/9"));
        assertNotEquals(Prefix.parse("0.0.0.0/0"), Prefix.parse("::/0"));
        assertTrue(Prefix.parse("10.0.0.0/8").isIpv4());
        assertFalse(Prefix.parse("::/0").isIpv4());
    }

    @Test
    void sortsIpv4FirstThenUnsignedAddressThenLength() {
        List<Prefix> prefixes = new ArrayList<>();
        for (String p : List.of("fd00::/8", "::/0", "200.0.0.0/8", "10.0.0.0/16", "10.0.0.0/8", "9.0.0.0/8")) {
            prefixes.add(Prefix.parse(p));
        }
        Collections.sort(prefixes);
        assertEquals(List.of("9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "200.0.0.0/8", "::/0", "fd00::/8"),
                prefixes.stream().map(Prefix::toString).toList());
    }
}
