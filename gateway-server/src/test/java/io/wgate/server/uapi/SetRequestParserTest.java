package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SetRequestParserTest {

    private static final String PRIV = TestEngines.privateHex(1);
    private static final String PEER_A = TestEngines.publicHex(2);
    private static final String PEER_B = TestEngines.publicHex(3);
    private static final String PSK = "cb57c8f1c3cc56d7c2329157a92748681621b00af101ab7366e94c8cad62088e";
    private static final String ZERO = "0".repeat(64);

    // ---------------------------------------------------------------- what wg 1.0.20210914 sends

    @Test
    void parsesWgSetWithPeerOptions() throws Exception {
        // wg set IF private-key K listen-port 0 peer P allowed-ips 10.0.0.0/24,fd00::/64
        //     endpoint 192.0.2.1:51820 persistent-keepalive 25   (captured from /usr/bin/wg)
        UapiRequest.Set set = SetRequestParser.parse("""
                private_key=%s
                listen_port=0
                public_key=%s
                endpoint=192.0.2.1:51820
                persistent_keepalive_interval=25
                replace_allowed_ips=true
                allowed_ip=10.0.0.0/24
                allowed_ip=fd00::/64
                """.formatted(PRIV, PEER_A));
        assertEquals(Optional.of(WgKey.of(TestEngines.privateKey(1))), set.device().privateKey());
        assertEquals(OptionalInt.of(0), set.device().listenPort());
        assertEquals(OptionalInt.empty(), set.device().fwmark());
        assertFalse(set.device().replacePeers());
        assertEquals(1, set.peers().size());
        PeerUpdate peer = set.peers().getFirst();
        assertEquals(TestEngines.publicWgKey(2), peer.publicKey());
        assertEquals(4, peer.line());
        assertEquals(Optional.of(new InetSocketAddress("192.0.2.1", 51820)), peer.endpoint());
        assertEquals(OptionalInt.of(25), peer.persistentKeepaliveSeconds());
        assertEquals(Optional.empty(), peer.presharedKey());
        assertEquals(List.of(AllowedIpChange.clear(), AllowedIpChange.add(Prefix.parse("10.0.0.0/24")),
                AllowedIpChange.add(Prefix.parse("fd00::/64"))), peer.allowedIps());
        assertFalse(peer.remove());
        assertFalse(peer.updateOnly());
    }

    @Test
    void parsesWgSetconf() throws Exception {
        // wg setconf IF FILE with ListenPort and two peers (captured)
        UapiRequest.Set set = SetRequestParser.parse("""
                private_key=%s
                listen_port=51821
                fwmark=0
                replace_peers=true
                public_key=%s
                endpoint=192.0.2.1:51820
                replace_allowed_ips=true
                allowed_ip=10.0.0.0/24
                allowed_ip=10.2.0.0/16
                public_key=%s
                preshared_key=%s
                replace_allowed_ips=true
                allowed_ip=10.3.0.0/16
                """.formatted(PRIV, PEER_A, PEER_B, PSK));
        assertTrue(set.device().replacePeers());
        assertEquals(OptionalInt.of(51821), set.device().listenPort());
        assertEquals(OptionalInt.of(0), set.device().fwmark());
        assertEquals(2, set.peers().size());
        assertEquals(3, set.peers().get(0).allowedIps().size());
        PeerUpdate second = set.peers().get(1);
        assertEquals(11, second.line()); // set=1 is line 1
        assertEquals(Optional.of(WgKey.of(HexFormat.of().parseHex(PSK))), second.presharedKey());
        assertEquals(Optional.empty(), second.endpoint());
    }

    @Test
    void parsesWgRemoveAndZeroKeys() throws Exception {
        // wg set IF peer P remove; wg set IF private-key /dev/null; wg set IF peer P preshared-key /dev/null
        UapiRequest.Set remove = SetRequestParser.parse("public_key=" + PEER_A + "\nremove=true\n");
        assertTrue(remove.peers().getFirst().remove());
        UapiRequest.Set noKey = SetRequestParser.parse("private_key=" + ZERO + "\n");
        assertTrue(noKey.device().privateKey().orElseThrow().isZero());
        UapiRequest.Set noPsk = SetRequestParser.parse("public_key=" + PEER_A + "\npreshared_key=" + ZERO + "\n");
        assertTrue(noPsk.peers().getFirst().presharedKey().orElseThrow().isZero());
    }

    @Test
    void parsesFwmarkAndBracketedIpv6Endpoint() throws Exception {
        // wg set IF fwmark 0x10 peer P preshared-key F endpoint [2001:db8::1]:51820 (captured)
        UapiRequest.Set set = SetRequestParser.parse("fwmark=16\npublic_key=" + PEER_A + "\npreshared_key=" + PSK
                + "\nendpoint=[2001:db8::1]:51820\n");
        assertEquals(OptionalInt.of(16), set.device().fwmark());
        assertEquals(Optional.of(new InetSocketAddress("2001:db8::1", 51820)), set.peers().getFirst().endpoint());
    }

    @Test
    void parsesLargestFwmarkAsUnsigned() throws Exception {
        assertEquals(OptionalInt.of(-1), SetRequestParser.parse("fwmark=4294967295\n").device().fwmark());
    }

    @Test
    void parsesIncrementalAllowedIpRemoval() throws Exception {
        // newer wireguard-tools: wg set IF peer P allowed-ips +10.1.0.0/16,-10.0.0.0/24
        UapiRequest.Set set = SetRequestParser.parse("public_key=" + PEER_A
                + "\nallowed_ip=10.1.0.0/16\nallowed_ip=-10.0.0.0/24\n");
        assertEquals(List.of(AllowedIpChange.add(Prefix.parse("10.1.0.0/16")),
                AllowedIpChange.remove(Prefix.parse("10.0.0.0/24"))), set.peers().getFirst().allowedIps());
    }

    @Test
    void parsesUpdateOnlyAndProtocolVersion() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("public_key=" + PEER_A
                + "\nprotocol_version=1\nupdate_only=true\npersistent_keepalive_interval=0\n");
        assertTrue(set.peers().getFirst().updateOnly());
        assertEquals(OptionalInt.of(0), set.peers().getFirst().persistentKeepaliveSeconds());
    }

    @Test
    void acceptsUppercaseHexKeys() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("public_key=" + PEER_A.toUpperCase() + "\n");
        assertEquals(TestEngines.publicWgKey(2), set.peers().getFirst().publicKey());
    }

    @Test
    void keepsLastValueOfRepeatedKeys() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("listen_port=1\nlisten_port=2\npublic_key=" + PEER_A
                + "\nendpoint=192.0.2.1:1\nendpoint=192.0.2.2:2\n");
        assertEquals(OptionalInt.of(2), set.device().listenPort());
        assertEquals(Optional.of(new InetSocketAddress("192.0.2.2", 2)), set.peers().getFirst().endpoint());
    }

    @Test
    void parsesEmptyRequestAsNoChange() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("");
        assertEquals(DeviceUpdate.NONE, set.device());
        assertTrue(set.peers().isEmpty());
    }

    @Test
    void sameKeyTwiceGivesTwoSections() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("public_key=" + PEER_A + "\nremove=true\npublic_key=" + PEER_A
                + "\nallowed_ip=10.0.0.0/8\n");
        assertEquals(2, set.peers().size());
        assertTrue(set.peers().get(0).remove());
        assertFalse(set.peers().get(1).remove());
    }

    // ---------------------------------------------------------------- errors, with wireguard-go's errno

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            no_equals_sign                                   | -71
            =value                                           | -22
            frobnicate=1                                     | -22
            get=1                                            | -22
            listen_port=65536                                | -22
            listen_port=-1                                   | -22
            listen_port=+1                                   | -22
            listen_port=                                     | -22
            listen_port=0x10                                 | -22
            listen_port= 1                                   | -22
            fwmark=4294967296                                | -22
            fwmark=0x10                                      | -22
            private_key=00                                   | -22
            private_key=zz00000000000000000000000000000000000000000000000000000000000000 | -22
            replace_peers=false                              | -22
            replace_peers=TRUE                               | -22
            protocol_version=1                               | -22
            public_key=abc                                   | -22
            """)
    void rejectsBadDeviceLines(String line, int errno) {
        UapiException e = assertThrows(UapiException.class, () -> SetRequestParser.parse(line + "\n"));
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line 2: "), e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            protocol_version=2                 | -22
            protocol_version=                  | -22
            endpoint=example.com:51820         | -22
            endpoint=192.0.2.1                 | -22
            endpoint=192.0.2.1:                | -22
            endpoint=192.0.2.1:65536           | -22
            endpoint=192.0.2.01:51820          | -22
            endpoint=::1:51820                 | -22
            endpoint=[::1]                     | -22
            endpoint=[::1]51820                | -22
            endpoint=[192.0.2.1]:51820         | -22
            endpoint=[fe80::1%no-such-if9]:51820 | -22
            endpoint=                          | -22
            allowed_ip=10.0.0.0                | -22
            allowed_ip=10.0.0.0/33             | -22
            allowed_ip=10.0.0.0/08             | -22
            allowed_ip=10.0.0.0/               | -22
            allowed_ip=fd00::/129              | -22
            allowed_ip=fe80::%eth0/64          | -22
            allowed_ip=--10.0.0.0/8            | -22
            allowed_ip=10.0.0.0/8 junk         | -22
            persistent_keepalive_interval=65536 | -22
            persistent_keepalive_interval=on   | -22
            remove=false                       | -22
            update_only=yes                    | -22
            replace_allowed_ips=1              | -22
            preshared_key=1234                 | -22
            listen_port=51820                  | -22
            private_key=00                     | -22
            just_a_word                        | -71
            """)
    void rejectsBadPeerLines(String line, int errno) {
        UapiException e = assertThrows(UapiException.class,
                () -> SetRequestParser.parse("public_key=" + PEER_A + "\n" + line + "\n"));
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line 3: "), e.getMessage());
    }

    @Test
    void deviceKeyInPeerSectionSaysWhy() {
        UapiException e = assertThrows(UapiException.class,
                () -> SetRequestParser.parse("public_key=" + PEER_A + "\nfwmark=1\n"));
        assertEquals("line 3: unknown peer key 'fwmark' (device keys must come before the first public_key)",
                e.getMessage());
    }

    @Test
    void messagesNeverContainKeyMaterial() {
        String badKey = PRIV.substring(0, 63) + "g";
        UapiException e = assertThrows(UapiException.class,
                () -> SetRequestParser.parse("private_key=" + badKey + "\n"));
        assertEquals("line 2: private_key: a key is hex digits only (character 64 is not)", e.getMessage());
        UapiException noEquals = assertThrows(UapiException.class, () -> SetRequestParser.parse(PRIV + "\n"));
        assertFalse(noEquals.getMessage().contains(PRIV.substring(0, 16)), noEquals.getMessage());
    }

    @Test
    void reportsTheFirstBadLine() {
        UapiException e = assertThrows(UapiException.class, () -> SetRequestParser.parse(
                "listen_port=1\npublic_key=" + PEER_A + "\nendpoint=nope\nallowed_ip=bad\n"));
        assertTrue(e.getMessage().startsWith("line 4: endpoint: "), e.getMessage());
    }

    // ---------------------------------------------------------------- no key material in any message

    private static final WgKey SECRET = WgKey.of(HexFormat.of().parseHex(PRIV));
    private static final KeyMaterialSearch SEARCH = KeyMaterialSearch.of("private key", SECRET);

    /** The secret in every encoding it could be pasted in, and pieces of it. */
    private static List<String> secretForms() {
        List<String> forms = new ArrayList<>(KeyMaterialSearch.encodings(SECRET.bytes()).values());
        forms.add(PRIV.substring(0, 20));
        forms.add(SECRET.toBase64().substring(10, 30));
        forms.add(PRIV + PRIV);
        forms.add(" " + PRIV);
        forms.add("-" + PRIV);
        forms.add("[" + PRIV + "]:1");
        forms.add("192.0.2.1:" + PRIV);
        forms.add("10.0.0.0/" + PRIV);
        forms.add(PRIV + "/8");
        return forms;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"private_key", "listen_port", "fwmark", "replace_peers", "public_key", "update_only",
        "remove", "preshared_key", "endpoint", "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip",
        "protocol_version", "frobnicate"})
    void aKeyAsTheValueOfAnyKeyIsNeverEchoed(String key) {
        int refused = 0;
        for (String form : secretForms()) {
            for (String body : List.of(key + "=" + form + "\n", "public_key=" + PEER_A + "\n" + key + "=" + form + "\n")) {
                try {
                    SetRequestParser.parse(body).wipeKeys();
                } catch (UapiException e) {
                    refused++;
                    assertTrue(e.getMessage().matches("line [23]: .*"), e.getMessage());
                    assertEquals(List.of(), SEARCH.find(key, e.getMessage()), e.getMessage());
                }
            }
        }
        assertTrue(refused >= secretForms().size(), key + ": only " + refused + " refused");
    }

    @Test
    void anUnknownKeyIsNamedOnlyWhenItLooksLikeAShortName() throws Exception {
        assertEquals("line 2: unknown device key (64 characters, not shown)", assertThrows(UapiException.class,
                () -> SetRequestParser.parse(PRIV + "=1\n")).getMessage());
        assertEquals("line 3: unknown peer key (43 characters, not shown)", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("public_key=" + PEER_A + "\n" + SECRET.toBase64() + "=\n")).getMessage());
        assertEquals("line 2: unknown device key 'frobnicate'", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("frobnicate=" + PRIV + "\n")).getMessage());
        assertEquals("line 3: unknown peer key 'replace_peers' (device keys must come before the first public_key)",
                assertThrows(UapiException.class, () -> SetRequestParser.parse("public_key=" + PEER_A
                        + "\nreplace_peers=true\n")).getMessage());
    }

    @Test
    void messagesSayTheLineTheKeyAndTheProblem() {
        assertEquals("line 3: endpoint: no port (want address:port)", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("public_key=" + PEER_A + "\nendpoint=192.0.2.1\n")).getMessage());
        assertEquals("line 5: allowed_ip: prefix length out of range 0..32", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("listen_port=1\npublic_key=" + PEER_A
                        + "\nallowed_ip=10.0.0.0/8\nallowed_ip=10.0.0.0/33\n")).getMessage());
        assertEquals("line 2: listen_port: out of range 0..65535", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("listen_port=65536\n")).getMessage());
        assertEquals("line 2: replace_peers: the only valid value is 'true'", assertThrows(UapiException.class,
                () -> SetRequestParser.parse("replace_peers=" + PRIV + "\n")).getMessage());
    }

    @Test
    void wipingARequestZeroesItsPrivateAndPresharedKeys() throws Exception {
        UapiRequest.Set set = SetRequestParser.parse("private_key=" + PRIV + "\npublic_key=" + PEER_A
                + "\npreshared_key=" + PSK + "\n");
        set.wipeKeys();
        assertTrue(set.device().privateKey().orElseThrow().isZero());
        assertTrue(set.peers().getFirst().presharedKey().orElseThrow().isZero());
        assertEquals(PEER_A, set.peers().getFirst().publicKey().toHex(), "public keys stay");
    }

    @Test
    void aParserDroppedHalfWayWipesWhatItRead() throws Exception {
        SetRequestParser parser = new SetRequestParser();
        parser.accept("private_key=" + PRIV);
        parser.accept("public_key=" + PEER_A);
        parser.accept("preshared_key=" + PSK);
        parser.accept("public_key=" + PEER_B);
        parser.accept("preshared_key=" + PSK);
        parser.wipe();
        UapiRequest.Set set = parser.finish();
        assertTrue(set.device().privateKey().orElseThrow().isZero());
        assertTrue(set.peers().stream().allMatch(p -> p.presharedKey().orElseThrow().isZero()));
    }
}
