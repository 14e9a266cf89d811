package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void hexRoundTripsInLowerCase() {
        assertEquals("00ff10ab", Bytes.hex(new byte[] {0, -1, 16, (byte) 0xab}));
        assertArrayEquals(new byte[] {0, -1, 16, (byte) 0xab}, Bytes.fromHex("00FF10aB"));
        assertArrayEquals(new byte[0], Bytes.fromHex(""));
    }

    @Test
    void badHexIsExplained() {
        assertEquals("hex string has an odd length (3 characters)",
                assertThrows(IllegalArgumentException.class, () -> Bytes.fromHex("abc")).getMessage());
        assertEquals("not a hex digit at index 2: 'x'",
                assertThrows(IllegalArgumentException.class, () -> Bytes.fromHex("00x0")).getMessage());
    }

    @Test
    void comparesAndDetectsZero() {
        assertTrue(Bytes.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 2}));
        assertFalse(Bytes.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 3}));
        assertFalse(Bytes.constantTimeEquals(new byte[] {1, 2}, new byte[] {1}));
        assertTrue(Bytes.isAllZero(new byte[32]));
        assertFalse(Bytes.isAllZero(new byte[] {0, 0, (byte) 0x80}));
    }
}
