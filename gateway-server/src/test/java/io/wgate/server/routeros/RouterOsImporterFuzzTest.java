package io.wgate.server.routeros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wgate.server.config.ConfigException;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgQuickConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * Arbitrary text never breaks the RouterOS import: {@link RouterOsImporter#read} returns for any input, every message
 * has a line inside the text (or 0 for the whole file) and no key material, and each interface whose private key the
 * text gives becomes a wg-quick file that {@code wgate up}'s parser accepts with the same peers. The dictionary holds
 * the menus, properties and keys that random mutation would hardly find (no quotes, backslashes or line
 * breaks: libFuzzer's dictionary format would need them escaped). A Jazzer fuzz target ({@code JAZZER_FUZZ=1}
 * fuzzes; otherwise it replays its inputs in {@code RouterOsImporterFuzzTestInputs/} as a regression test).
 */
class RouterOsImporterFuzzTest {

    private static final int MAX_INPUT_BYTES = 64 << 10;
    private static final KeyMaterialSearch SECRETS = RouterOsTestFiles.secrets();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"/interface wireguard", "/interface wireguard peers", "/ip address", "/ipv6 address",
        "/ip route", "add ", "set [ find name=", " ]", "name=", "listen-port=", "mtu=",
        "private-key=" + RouterOsTestFiles.MAIN_PRIVATE, "public-key=" + RouterOsTestFiles.SATELLITE_PUBLIC,
        "preshared-key=" + RouterOsTestFiles.PRESHARED, "interface=", "allowed-address=", "endpoint-address=",
        "endpoint-port=", "endpoint=", "persistent-keepalive=", "comment=", "disabled=yes", "address=",
        "dst-address=", "gateway=", "1m30s", "[2001:db8::1]:", "/24", "_"})
    void anyTextImportsOrSaysWhichLineIsWrong(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        long lines = text.lines().count();
        RouterOsConfig config = RouterOsImporter.read("r.rsc", text);
        for (ConfigWarning m : Stream.of(config.errors(), config.warnings()).flatMap(List::stream).toList()) {
            assertTrue(m.line() >= 0 && m.line() <= lines, "line " + m.line() + " of " + lines + ": " + m);
            assertTrue(SECRETS.isClean(m.toString()), "key material in: " + m);
        }
        for (String note : config.notes()) {
            assertTrue(SECRETS.isClean(note), "key material in: " + note);
        }
        if (!config.errors().isEmpty()) {
            return;
        }
        for (WireguardInterface wg : config.interfaces()) {
            String written = WgQuickRendering.render(wg, "r.rsc");
            if (wg.privateKey().isEmpty()) {
                assertTrue(written.contains(WgQuickRendering.placeholder(wg.name())), written);
                continue;
            }
            String name = WgQuickRendering.interfaceName(wg.name());
            try {
                WgQuickConfig parsed = WgQuickConfig.parse(name + ".conf", written.lines().toList());
                assertEquals(wg.peers().size(), parsed.peers().size(), written);
            } catch (ConfigException e) {
                fail("the import does not parse: " + e.getMessage() + "\n" + written);
            }
        }
    }
}
