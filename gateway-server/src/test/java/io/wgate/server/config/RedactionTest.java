package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    private static final String KEY_BASE64 = TestKeys.MAIN_PRIVATE;
    private static final String KEY_HEX = WgKey.parseBase64(TestKeys.MAIN_PRIVATE).orElseThrow().toHex();

    @ParameterizedTest
    @ValueSource(strings = {"private_key", "ListenPort", "Adress", "x", "_", "frobnicate"})
    void showsWhatLooksLikeAShortKeyName(String name) {
        assertEquals("'" + name + "'", Redaction.name(name));
    }

    @Test
    void hidesAnyOtherNameButSaysHowLongItWas() {
        assertEquals("(64 characters, not shown)", Redaction.name(KEY_HEX));
        assertEquals("(43 characters, not shown)", Redaction.name(KEY_BASE64.substring(0, 43)));
        assertEquals("(12 characters, not shown)", Redaction.name("abcdefghijkl"), "as long as a window of a key");
        assertEquals("(7 characters, not shown)", Redaction.name("listen1"));
        assertEquals("(1 character, not shown)", Redaction.name("-"));
        assertEquals("(empty)", Redaction.name(""));
    }

    @Test
    void showsLongNamesOnlyWhenTheCallerKnowsThem() {
        assertEquals("'persistent_keepalive_interval'",
                Redaction.name("persistent_keepalive_interval", "persistent_keepalive_interval"::equals));
        assertEquals("(20 characters, not shown)", Redaction.name("IncludedApplications", "Address"::equals));
        assertEquals("'Adress'", Redaction.name("Adress", "Address"::equals));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256/24", "203.0.113.2:port", "gw.example.net", "2001:db8::1:51820", "1420 bytes",
        "0xZZ", "office-lan", "bad/domain", "nosuchtable", "-1", "", "fd00:1234:5678:9abc::1/64"})
    void showsValuesThatCannotHoldAPieceOfAKey(String value) {
        assertEquals("'" + value + "'", Redaction.value(value));
        assertEquals(value, Redaction.unquoted(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            abcdefghijkl                      | 12
            99999999999999                    | 14
            vpn-gateway-office.example.net    | 30
            tab\there                         | 8
            """)
    void hidesValuesWithALongRunOfKeyCharactersOrControlCharacters(String value, int length) {
        String text = value.replace("\\t", "\t");
        assertEquals("(" + length + " characters, not shown)", Redaction.value(text));
    }

    @Test
    void neverShowsAValueHoldingAWindowOfAKey() {
        SplittableRandom random = new SplittableRandom(20_251_204);
        System.out.println("RedactionTest seed 20251204");
        for (int round = 0; round < 500; round++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            KeyMaterialSearch search = new KeyMaterialSearch().secret("key", key);
            for (String encoded : KeyMaterialSearch.encodings(key).values()) {
                int from = random.nextInt(encoded.length() - KeyMaterialSearch.WINDOW + 1);
                int to = from + KeyMaterialSearch.WINDOW + random.nextInt(encoded.length() - from - KeyMaterialSearch.WINDOW + 1);
                String value = "x" + encoded.substring(from, to) + ":51820";
                assertTrue(search.isClean(Redaction.value(value)), value);
                assertTrue(search.isClean(Redaction.name(encoded.substring(from, to))), value);
            }
        }
    }

    @Test
    void hidesWholeKeysInFreeTextInEveryEncoding() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 500; round++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            KeyMaterialSearch search = new KeyMaterialSearch().secret("key", key);
            for (String encoded : KeyMaterialSearch.encodings(key).values()) {
                String hook = "wg set %i private-key <(echo " + encoded + ") && echo PrivateKey=" + encoded + ".";
                String shown = Redaction.text(hook);
                assertTrue(search.isClean(shown), shown);
                assertTrue(shown.startsWith("wg set %i private-key <(echo " + Redaction.HIDDEN + ")"), shown);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip -4 route add 10.0.0.0/8 dev wg0", "sysctl -q -w net.ipv4.ip_forward=1",
        "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar /opt/wgate/lib/wgate.jar",
        "/etc/wireguard/scripts/postup-office2/notify-administrators.sh",
        "RTNETLINK answers: File exists", "curl -fsS https://monitoring.example.net/hooks/wireguard-up"})
    void leavesOrdinaryCommandsAndMessagesAlone(String text) {
        assertEquals(text, Redaction.text(text));
    }
}
