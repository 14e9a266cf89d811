package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShowFormatterTest {

    private static final long NOW = 1_767_225_600L;

    private static PeerStatus peer(long seed, long handshakeSeconds, long rx, long tx, int keepalive,
                                   InetSocketAddress endpoint, WgKey psk, String... prefixes) {
        return new PeerStatus(TestEngines.publicWgKey(seed), Optional.ofNullable(psk), Optional.ofNullable(endpoint),
                handshakeSeconds, 0, rx, tx, keepalive, List.of(prefixes).stream().map(Prefix::parse).toList());
    }

    private static DeviceStatus device(List<PeerStatus> peers) {
        return new DeviceStatus("wg0", Optional.of(WgKey.of(TestEngines.privateKey(1))),
                Optional.of(TestEngines.publicWgKey(1)), 51820, 0, peers);
    }

    @Test
    void rendersLikeWgShow() {
        WgKey psk = WgKey.of(TestEngines.privateKey(9));
        DeviceStatus status = device(List.of(
                peer(2, 0, 0, 0, 0, null, null),
                peer(3, NOW - 65, 1264, 4_781_506, 25, new InetSocketAddress("192.0.2.1", 51820), psk,
                        "10.0.0.0/24", "fd00::/64")));
        String key1 = TestEngines.publicWgKey(1).toBase64();
        String key2 = TestEngines.publicWgKey(2).toBase64();
        String key3 = TestEngines.publicWgKey(3).toBase64();
        assertEquals("""
                interface: wg0
                  public key: %s
                  private key: (hidden)
                  listening port: 51820

                peer: %s
                  preshared key: (hidden)
                  endpoint: 192.0.2.1:51820
                  allowed ips: 10.0.0.0/24, fd00::/64
                  latest handshake: 1 minute, 5 seconds ago
                  transfer: 1.23 KiB received, 4.56 MiB sent
                  persistent keepalive: every 25 seconds

                peer: %s
                  allowed ips: (none)
                """.formatted(key1, key3, key2), ShowFormatter.format(status, NOW));
    }

    @Test
    void rendersADeviceWithoutKeyOrPeers() {
        DeviceStatus bare = new DeviceStatus("wg1", Optional.empty(), Optional.empty(), 0, 0x1234, List.of());
        assertEquals("interface: wg1\n  fwmark: 0x1234\n", ShowFormatter.format(bare, NOW));
    }

    @Test
    void revealsKeysOnlyWhenAsked() {
        DeviceStatus status = device(List.of());
        String shown = ShowFormatter.format(status, NOW, true);
        assertEquals("  private key: " + WgKey.of(TestEngines.privateKey(1)).toBase64(), shown.lines().toList().get(2));
    }

    @Test
    void sortsPeersByLatestHandshakeNewestFirstNeverLast() {
        List<PeerStatus> sorted = ShowFormatter.sortedPeers(List.of(
                peer(2, 0, 0, 0, 0, null, null),
                peer(3, NOW - 100, 0, 0, 0, null, null),
                peer(4, NOW - 5, 0, 0, 0, null, null),
                peer(5, 0, 0, 0, 0, null, null)));
        assertEquals(List.of(4L, 3L, 2L, 5L), sorted.stream().map(p -> seedOf(p.publicKey())).toList());
    }

    private static long seedOf(WgKey key) {
        for (long seed = 2; seed < 10; seed++) {
            if (TestEngines.publicWgKey(seed).equals(key)) {
                return seed;
            }
        }
        throw new AssertionError("unknown key");
    }

    @Test
    void separatesDevicesByABlankLine() {
        DeviceStatus a = new DeviceStatus("a", Optional.empty(), Optional.empty(), 1, 0, List.of());
        DeviceStatus b = new DeviceStatus("b", Optional.empty(), Optional.empty(), 2, 0, List.of());
        assertEquals("interface: a\n  listening port: 1\n\ninterface: b\n  listening port: 2\n",
                ShowFormatter.formatAll(List.of(a, b), NOW));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0 B", "1023, 1023 B", "1024, 1.00 KiB", "1152, 1.12 KiB", "1408, 1.38 KiB", "1264, 1.23 KiB",
            "1048575, 1024.00 KiB", "1048576, 1.00 MiB", "4781506, 4.56 MiB", "1073741824, 1.00 GiB",
            "1099511627776, 1.00 TiB", "-1, 16777216.00 TiB"})
    void formatsByteCountsLikePrintf(long count, String text) {
        assertEquals(text, ShowFormatter.bytes(count));
    }

    @ParameterizedTest
    @CsvSource({
            "1, 1 second", "59, 59 seconds", "60, 1 minute", "65, '1 minute, 5 seconds'", "3600, 1 hour",
            "90061, '1 day, 1 hour, 1 minute, 1 second'", "31536000, 1 year",
            "65535, '18 hours, 12 minutes, 15 seconds'", "63158400, '2 years, 1 day'"})
    void prettyTimeNamesEveryNonZeroUnit(long seconds, String text) {
        assertEquals(text, ShowFormatter.prettyTime(seconds));
    }

    @Test
    void agoHandlesNowAndAClockThatWentBack() {
        assertEquals("Now", ShowFormatter.ago(NOW, NOW));
        assertEquals("(System clock wound backward; connection problems may ensue.)", ShowFormatter.ago(NOW + 1, NOW));
        assertEquals("2 seconds ago", ShowFormatter.ago(NOW - 2, NOW));
    }

    @Test
    void neverShowsThePrivateOrPresharedKeyInAnyEncoding() {
        WgKey privateKey = WgKey.of(TestEngines.privateKey(1));
        WgKey psk = WgKey.of(TestEngines.privateKey(9));
        KeyMaterialSearch secrets = new KeyMaterialSearch().secret("private key", privateKey).secret("psk", psk);
        DeviceStatus status = device(List.of(peer(3, NOW - 5, 1, 2, 25, new InetSocketAddress("192.0.2.1", 51820),
                psk, "10.0.0.0/24")));
        String shown = ShowFormatter.formatAll(List.of(status, status), NOW);
        assertEquals(List.of(), secrets.find("wgate show", shown), shown);
        assertEquals(2, shown.split("private key: \\(hidden\\)", -1).length - 1, shown);
        assertEquals(2, shown.split("preshared key: \\(hidden\\)", -1).length - 1, shown);
    }
}
