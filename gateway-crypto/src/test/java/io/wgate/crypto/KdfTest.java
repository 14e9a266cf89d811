package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KDF_1..3 against wireguard-go's {@code device/kdf_test.go}. */
class KdfTest {
    private static final List<Map<String, String>> VECTORS = Vectors.blocks("wireguard-go-kdf.txt");

    @Test
    void kdf3MatchesWireGuardGo() {
        assertEquals(3, VECTORS.size());
        for (Map<String, String> v : VECTORS) {
            byte[][] out = Kdf.kdf3(Vectors.hex(v.get("Key")), Vectors.hex(v.get("Input")));
            assertEquals(3, out.length);
            for (int i = 0; i < 3; i++) {
                assertEquals(v.get("Output" + (i + 1)), Bytes.hex(out[i]), "Key = " + v.get("Key"));
            }
        }
    }

    @Test
    void kdf2AndKdf1ArePrefixesOfKdf3() {
        for (Map<String, String> v : VECTORS) {
            byte[] key = Vectors.hex(v.get("Key"));
            byte[] input = Vectors.hex(v.get("Input"));
            byte[][] two = Kdf.kdf2(key, input);
            assertEquals(2, two.length);
            assertEquals(v.get("Output1"), Bytes.hex(two[0]));
            assertEquals(v.get("Output2"), Bytes.hex(two[1]));
            assertEquals(v.get("Output1"), Bytes.hex(Kdf.kdf1(key, input)));
            assertArrayEquals(two[1], Kdf.kdf(2, key, input)[1]);
        }
    }

    @Test
    void rejectsOutputCountsOutsideOneToThree() {
        assertEquals("KDF output count must be 1..3, got 4",
                assertThrows(IllegalArgumentException.class, () -> Kdf.kdf(4, new byte[32], new byte[0])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kdf.kdf(0, new byte[32], new byte[0]));
    }
}
