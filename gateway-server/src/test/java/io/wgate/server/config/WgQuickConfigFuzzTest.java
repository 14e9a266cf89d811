package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Arbitrary text never breaks the wg-quick parser: it either parses or fails with a {@link ConfigException}
 * (nothing else escapes), and whatever parses round-trips through {@link WgQuickConfig#toWgQuickString()} to an
 * equal interface and peers, the written text being a fixed point. The dictionary holds the keys and valid key
 * material (of the example files) that random mutation would hardly find. A Jazzer fuzz target ({@code JAZZER_FUZZ=1}
 * fuzzes; otherwise it replays its seeds in {@code WgQuickConfigFuzzTestInputs/} as a regression test).
 */
class WgQuickConfigFuzzTest {

    /** Far above any real config; keeps one input's work small. */
    private static final int MAX_INPUT_BYTES = 64 << 10;
    private static final KeyMaterialSearch SECRETS = TestKeys.secrets();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"[Interface]", "[Peer]", "PrivateKey = " + TestKeys.MAIN_PRIVATE,
        "PublicKey = " + TestKeys.SATELLITE_PUBLIC, "PublicKey = " + TestKeys.OTHER_PUBLIC,
        "PublicKey = " + TestKeys.MAIN_PUBLIC, "PresharedKey = " + TestKeys.PRESHARED,
        "ListenPort = ", "FwMark = ", "Address = ", "DNS = ", "MTU = ", "Table = ", "PreUp = ", "PostUp = ",
        "PreDown = ", "PostDown = ", "SaveConfig = ", "AllowedIPs = ", "Endpoint = ", "PersistentKeepalive = ",
        "# Name = ", "FriendlyName: ", "::ffff:", "::", "%", "[", "]:", "/", "0x", "off", "auto", "true", "main"})
    void anyTextParsesOrFailsWithAConfigExceptionAndRoundTrips(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        // Files.readAllLines: UTF-8, lines split at \n, \r or \r\n. (Malformed bytes become U+FFFD here; the
        // file reader rejects them before the parser sees anything.)
        List<String> lines = new String(data, StandardCharsets.UTF_8).lines().toList();
        WgQuickConfig first;
        try {
            first = WgQuickConfig.parse("wg0.conf", lines);
        } catch (ConfigException e) {
            assertTrue(SECRETS.isClean(e.getMessage()), "key material in: " + e.getMessage());
            return;
        }
        String written = first.toWgQuickString();
        WgQuickConfig second;
        try {
            second = WgQuickConfig.parse("wg0.conf", written.lines().toList());
        } catch (ConfigException e) {
            fail("the written config does not parse again: " + e.getMessage() + "\n" + written);
            return;
        }
        // Warnings may differ: masked host bits and dropped repeats are not warned about a second time.
        assertEquals(first.interfaceName(), second.interfaceName());
        assertEquals(first.iface(), second.iface(), written);
        assertEquals(first.peers(), second.peers(), written);
        assertEquals(written, second.toWgQuickString(), "writing is a fixed point");
    }
}
