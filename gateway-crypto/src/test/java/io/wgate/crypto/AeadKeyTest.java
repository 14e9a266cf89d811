package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AeadKeyTest {
    @Test
    void copiesTheCallersArray() {
        byte[] raw = Vectors.sequence(32);
        AeadKey key = AeadKey.copyOf(raw);
        raw[0] = 99;
        assertArrayEquals(Vectors.sequence(32), key.bytes());
    }

    @Test
    void rejectsWrongLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AeadKey.copyOf(new byte[31]));
        assertEquals("AEAD key must be 32 bytes, got 31", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AeadKey.copyOf(new byte[33]));
        assertThrows(NullPointerException.class, () -> AeadKey.copyOf(null));
    }

    @Test
    void destroyZeroesAndForbidsLaterUse() {
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        byte[] live = key.bytes();
        assertFalse(key.isDestroyed());
        key.destroy();
        key.destroy();
        assertTrue(key.isDestroyed());
        assertArrayEquals(new byte[32], live);
        assertThrows(IllegalStateException.class, key::bytes);
    }

    @Test
    void toStringNeverShowsTheKey() {
        AeadKey key = AeadKey.copyOf(Bytes.fromHex("4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60"));
        assertEquals("AeadKey[32 bytes]", key.toString());
        key.destroy();
        assertEquals("AeadKey[destroyed]", key.toString());
    }
}
