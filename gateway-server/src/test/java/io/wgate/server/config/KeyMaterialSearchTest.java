package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyMaterialSearchTest {

    private final WgKey key = WgKey.parseBase64(TestKeys.MAIN_PRIVATE).orElseThrow();
    private final KeyMaterialSearch search = KeyMaterialSearch.of("main private key", key);

    @Test
    void findsTheKeyInEveryEncodingAndAnyTwelveCharacterPieceOfIt() {
        for (String encoded : KeyMaterialSearch.encodings(key.bytes()).values()) {
            assertFalse(search.isClean("log: " + encoded + "\n"), encoded);
            for (int i = 0; i + 12 <= encoded.length(); i++) {
                String piece = encoded.substring(i, i + 12);
                assertFalse(search.isClean("x'" + piece + "'y"), encoded + " at " + i);
            }
        }
        assertFalse(search.isClean(key.toHex().toUpperCase()));
    }

    @Test
    void reportsWhereAndWhatWithoutThePiece() {
        List<String> found = search.find("the log", "ok ok " + key.toHex().substring(10, 30));
        assertEquals(List.of("the log offset 6: main private key (lowercase hex, characters 11..22)"), found);
        assertFalse(found.getFirst().contains(key.toHex().substring(10, 22)));
    }

    @Test
    void elevenCharactersAndOtherKeysAreNotFound() {
        assertTrue(search.isClean(TestKeys.MAIN_PRIVATE.substring(0, 11) + " " + key.toHex().substring(20, 31)));
        assertTrue(search.isClean(TestKeys.MAIN_PUBLIC + " " + TestKeys.SATELLITE_PRIVATE));
    }
}
