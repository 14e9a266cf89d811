package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One bad file per row: the first problem must be reported at the right line and key, with a message
 * that says what is wrong. Templates use the placeholders of {@link TestKeys#fill(String)}; {@code |}
 * separates lines.
 */
class WgQuickConfigErrorsTest {

    private static final String I = "[Interface]|PrivateKey = @PRIV@|";
    private static final String P = I + "[Peer]|PublicKey = @PUB@|";

    static Stream<Arguments> badFiles() {
        return Stream.of(
                // structure
                row("PrivateKey = @PRIV@|[Interface]", 1, "PrivateKey", "appears before any section"),
                row("Foo = bar", 1, "Foo", "appears before any section"),
                row(I + "[Interfaces]", 3, "[Interfaces]", "unknown section; expected [Interface] or [Peer]"),
                row(I + "[Peer", 3, null, "'[Peer' is not a section header"),
                row(I + "[Interface]", 3, "[Interface]", "second [Interface] section (the first is on line 1)"),
                row(I + "garbage here", 3, null, "'garbage here' is neither a 'Key = Value' line nor a [Section] header"),
                row(I + "= 5", 3, null, "line starts with '='"),
                row(I + "ListenPort", 3, "ListenPort", "has no '= value'"),
                row(I + "ListenPort =", 3, "ListenPort", "has no value"),
                row(I + "PostUp =   # only a comment", 3, "PostUp", "has no value"),
                // unknown and misplaced keys
                row(I + "Adress = 10.0.0.1/24", 3, "Adress", "unknown key in [Interface] (did you mean Address?)"),
                row(P + "Endpiont = 203.0.113.2:51820", 5, "Endpiont", "unknown key in [Peer] (did you mean Endpoint?)"),
                row(I + "IncludedApp = x", 3, "IncludedApp", "valid keys there are PrivateKey, ListenPort"),
                row(I + "IncludedApplications = x", 3, null,
                        "unknown key (20 characters, not shown) in [Interface]; valid keys there are PrivateKey"),
                row(P + "PersistentKeepalives = 25", 5, null,
                        "unknown key (20 characters, not shown) in [Peer] (did you mean PersistentKeepalive?)"),
                row(I + "AllowedIPs = 10.0.0.0/8", 3, "AllowedIPs", "belongs in [Peer], not in [Interface]"),
                row(P + "ListenPort = 51820", 5, "ListenPort", "belongs in [Interface], not in [Peer]"),
                // duplicates and missing keys
                row(I + "privatekey = @PRIV@", 3, "PrivateKey", "set twice (first on line 2)"),
                row(I + "ListenPort = 1|LISTENPORT = 2", 4, "ListenPort", "set twice (first on line 3)"),
                row(P + "Endpoint = 203.0.113.2:1|Endpoint = 203.0.113.2:2", 6, "Endpoint", "set twice (first on line 5)"),
                row("[Interface]|ListenPort = 51820|[Peer]|PublicKey = @PUB@", 1, "PrivateKey", "missing"),
                row("[Peer]|PublicKey = @PUB@", 0, "[Interface]", "missing section"),
                row(I + "[Peer]|AllowedIPs = 10.0.0.0/8|[Peer]|PublicKey = @PUB@", 3, "PublicKey", "missing; every [Peer]"),
                row(P + "[Peer]|PublicKey = @PUB@", 6, "PublicKey", "same key as the [Peer] on line 3"),
                row(P + "[Peer]|PublicKey = @OWNPUB@", 6, "PublicKey", "is this interface's own public key"),
                row("[Peer]|PublicKey = @OWNPUB@|[Interface]|PrivateKey = @PRIV@", 2, "PublicKey",
                        "own public key (from the PrivateKey on line 4)"),
                // keys
                row("[Interface]|PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8", 2, "PrivateKey",
                        "not a base64-encoded 32-byte key; expected 44 characters ending in '='"),
                row("[Interface]|PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn9=", 2, "PrivateKey",
                        "not a base64-encoded 32-byte key"),
                row("[Interface]|PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq!08nn4jYURUqhloIpRn8=", 2, "PrivateKey",
                        "not a base64-encoded 32-byte key"),
                row("[Interface]|PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=A", 2, "PrivateKey",
                        "not a base64-encoded 32-byte key"),
                row(I + "[Peer]|PublicKey = a8b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", 4,
                        "PublicKey", "as printed by 'wgate pubkey'"),
                row(P + "PresharedKey = secret", 5, "PresharedKey", "as printed by 'wgate genpsk'"),
                // numbers
                row(I + "ListenPort = 70000", 3, "ListenPort", "70000 is too large for a port number; use 1..65535"),
                row(I + "ListenPort = http", 3, "ListenPort", "'http' is not a port number"),
                row(I + "ListenPort = -1", 3, "ListenPort", "'-1' is not a port number"),
                row(I + "MTU = 500", 3, "MTU", "500 is out of range; use 576..65535"),
                row(I + "MTU = 70000", 3, "MTU", "70000 is out of range; use 576..65535"),
                row(I + "MTU = 1420 bytes", 3, "MTU", "'1420 bytes' is not a number"),
                row(I + "FwMark = 0x100000000", 3, "FwMark", "larger than a 32-bit mark"),
                row(I + "FwMark = 4294967296", 3, "FwMark", "larger than a 32-bit mark"),
                row(I + "FwMark = 0xZZ", 3, "FwMark", "'0xZZ' is not a firewall mark"),
                row(P + "PersistentKeepalive = 65536", 5, "PersistentKeepalive", "too large for a keepalive interval"),
                row(P + "PersistentKeepalive = -5", 5, "PersistentKeepalive", "'-5' is not a keepalive interval"),
                row(I + "Table = 0", 3, "Table", "table number 0 is out of range; use 1..4294967295"),
                row(I + "Table = 4294967296", 3, "Table", "out of range"),
                row(I + "Table = nosuchtable", 3, "Table", "routing table 'nosuchtable' is not defined in /etc/iproute2/rt_tables"),
                row(I + "Table = a/b", 3, "Table", "is not a table number or name"),
                row(I + "SaveConfig = yes", 3, "SaveConfig", "'yes' is neither true nor false"),
                // addresses
                row(I + "Address = 10.0.0.256/24", 3, "Address", "'10.0.0.256/24' is not an IPv4 or IPv6 address"),
                row(I + "Address = 10.0.0.1/33", 3, "Address", "prefix length /33 in '10.0.0.1/33' is longer than 32 bits"),
                row(I + "Address = fd00::1/129", 3, "Address", "longer than 128 bits"),
                row(I + "Address = 10.0.0.1/", 3, "Address", "has no valid prefix length"),
                row(I + "Address = [fd00::1]/64", 3, "Address", "write IPv6 addresses without brackets"),
                row(I + "Address = 10.0.0.1/24|Address = 10.0.0.1/16", 4, "Address", "10.0.0.1 is listed twice (also on line 3)"),
                row(I + "DNS = 192.0.2.53, bad/domain", 3, "DNS", "'bad/domain' is neither an IP address"),
                // AllowedIPs
                row(P + "AllowedIPs = 10.0.0.0/8,,10.1.0.0/16", 5, "AllowedIPs", "empty entry in the list"),
                row(P + "AllowedIPs = 10.0.0.0/8,", 5, "AllowedIPs", "empty entry in the list"),
                row(P + "AllowedIPs = 10.0.0.0/40", 5, "AllowedIPs", "longer than 32 bits"),
                row(P + "AllowedIPs = office-lan", 5, "AllowedIPs", "'office-lan' is not an IPv4 or IPv6 prefix"),
                row(P + "AllowedIPs = 010.0.0.0/8", 5, "AllowedIPs", "is not an IPv4 or IPv6 prefix"),
                // Endpoint
                row(P + "Endpoint = 203.0.113.2", 5, "Endpoint", "has no port; expected HOST:PORT"),
                row(P + "Endpoint = 2001:db8::1:51820", 5, "Endpoint", "an IPv6 address needs brackets around it: [2001:db8::1]:51820"),
                row(P + "Endpoint = [2001:db8::1]", 5, "Endpoint", "has no port after ']'"),
                row(P + "Endpoint = [2001:db8::1:51820", 5, "Endpoint", "has '[' without ']'"),
                row(P + "Endpoint = [gw.example.net]:51820", 5, "Endpoint", "in brackets is not an IPv6 address"),
                row(P + "Endpoint = 203.0.113.2:0", 5, "Endpoint", "port 0 in '203.0.113.2:0' is out of range; expected 1..65535"),
                row(P + "Endpoint = 203.0.113.2:65536", 5, "Endpoint", "out of range"),
                row(P + "Endpoint = 203.0.113.2:port", 5, "Endpoint", "'port' in '203.0.113.2:port' is not a port number"),
                row(P + "Endpoint = :51820", 5, "Endpoint", "has no host"),
                row(P + "Endpoint = 300.1.1.1:51820", 5, "Endpoint", "'300.1.1.1' is not a valid IPv4 address"),
                row(P + "Endpoint = bad!host:51820", 5, "Endpoint", "neither an IP address nor a valid host name"),
                // key material in the wrong place: named by its length, never echoed (checked for every row below)
                row(I + "@PRIVHEX@", 3, null, "(64 characters, not shown) is neither a 'Key = Value' line"),
                row(I + "@PRIV@", 3, null, "unknown key (43 characters, not shown) in [Interface]"),
                row(I + "@PRIVHEX@ = 1", 3, null, "unknown key (64 characters, not shown) in [Interface]"),
                row("@PRIV@ = 1|[Interface]", 1, null, "a key (43 characters, not shown) appears before any section"),
                row(I + "[@PRIV@]", 3, null, "unknown section (44 characters, not shown); expected [Interface]"),
                row(I + "[@PRIV@", 3, null, "(45 characters, not shown) is not a section header"),
                row(I + "ListenPort = @PRIVHEX@", 3, "ListenPort", "(64 characters, not shown) is not a port number"),
                row(I + "ListenPort = @PRIV@", 3, "ListenPort", "(44 characters, not shown) is not a port number"),
                row(I + "MTU = @PSKHEX@", 3, "MTU", "(64 characters, not shown) is not a number"),
                row(I + "FwMark = 0x@PRIVHEX@", 3, "FwMark", "(66 characters, not shown) is not a firewall mark"),
                row(I + "Address = @PRIV@", 3, "Address", "(44 characters, not shown) is not an IPv4 or IPv6 address"),
                row(I + "Address = 10.0.0.1/@PSKHEX@", 3, "Address", "(73 characters, not shown) has no valid prefix"),
                row(I + "DNS = 192.0.2.53, @PRIV@", 3, "DNS", "(44 characters, not shown) is neither an IP address"),
                row(I + "Table = @PRIVHEX@", 3, "Table", "routing table (64 characters, not shown) is not defined"),
                row(I + "Table = q@PRIVHEX@", 3, "Table", "(65 characters, not shown) is not a table number or name"),
                row(I + "SaveConfig = @PRIVHEX@", 3, "SaveConfig", "(64 characters, not shown) is neither true nor false"),
                row(I + "PrivateKey = @PRIVHEX@", 3, "PrivateKey", "set twice"),
                row("[Interface]|PrivateKey = @PRIVHEX@", 2, "PrivateKey", "not a base64-encoded 32-byte key"),
                row("[Interface]|PrivateKey = @PRIVURL@", 2, "PrivateKey", "not a base64-encoded 32-byte key"),
                row(P + "PresharedKey = @PSKHEX@", 5, "PresharedKey", "not a base64-encoded 32-byte key"),
                row(P + "PersistentKeepalive = @PSKHEX@", 5, "PersistentKeepalive", "(64 characters, not shown) is not a"),
                row(P + "AllowedIPs = @PSK@", 5, "AllowedIPs", "(44 characters, not shown) is not an IPv4 or IPv6 prefix"),
                row(P + "AllowedIPs = 10.0.0.0/@PSKHEX@", 5, "AllowedIPs", "has no valid prefix length"),
                row(P + "Endpoint = @PRIV@:51820", 5, "Endpoint", "(44 characters, not shown) is neither an IP address"),
                row(P + "Endpoint = [@PRIVHEX@]:51820", 5, "Endpoint", "(64 characters, not shown) in brackets"),
                row(P + "Endpoint = 203.0.113.2:@PRIVHEX@", 5, "Endpoint",
                        "(64 characters, not shown) in (76 characters, not shown) is not a port number"),
                row(P + "Endpoint = @PSKHEX@", 5, "Endpoint", "(64 characters, not shown) has no port"),
                row(P + "Endpoint = f:@PSKHEX@:1", 5, "Endpoint", "an IPv6 address needs brackets around it: (68 characters"));
    }

    private static Arguments row(String template, int line, String key, String fragment) {
        return Arguments.of(template, line, key, fragment);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badFiles")
    void reportsTheFirstProblemWithFileLineAndKey(String template, int line, String key, String fragment) {
        String text = TestKeys.fill(template).replace('|', '\n');
        ConfigException e = assertThrows(ConfigException.class,
                () -> WgQuickConfig.parse("wg0.conf", text.lines().toList()));
        assertEquals("wg0.conf", e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.detail().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        String prefix = "wg0.conf" + (line > 0 ? ":" + line : "") + ": " + (key != null ? key + ": " : "");
        assertEquals(prefix + e.detail(), e.getMessage());
        KeyMaterialSearch secrets = TestKeys.secrets();
        assertEquals(java.util.List.of(), secrets.find("message", e.getMessage()), e.getMessage());
    }
}
