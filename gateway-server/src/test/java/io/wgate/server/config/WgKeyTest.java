package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WgKeyTest {

    @Test
    void roundTripsBase64AndHex() {
        WgKey k = WgKey.parseBase64(TestKeys.SATELLITE_PUBLIC).orElseThrow();
        assertEquals(TestKeys.SATELLITE_PUBLIC, k.toBase64());
        assertArrayEquals(Base64.getDecoder().decode(TestKeys.SATELLITE_PUBLIC), k.bytes());
        assertEquals(64, k.toHex().length());
        assertEquals(k.toHex().toLowerCase(), k.toHex());
        assertEquals(k, WgKey.of(k.bytes()));
        assertEquals(k.hashCode(), WgKey.of(k.bytes()).hashCode());
        assertNotEquals(k, WgKey.parseBase64(TestKeys.MAIN_PUBLIC).orElseThrow());
    }

    @Test
    void derivesThePublicKeyOfAPrivateKey() {
        WgKey main = WgKey.parseBase64(TestKeys.MAIN_PRIVATE).orElseThrow();
        assertEquals(TestKeys.MAIN_PUBLIC, main.publicKey().toBase64());
        assertEquals(TestKeys.SATELLITE_PUBLIC, WgKey.parseBase64(TestKeys.SATELLITE_PRIVATE).orElseThrow()
                .publicKey().toBase64());
        assertEquals(TestKeys.MAIN_PRIVATE, main.toBase64(), "the private key stays intact");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "=", "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8", // no padding
        "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn9=", // unused low bits set (not canonical)
        "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpR===", // too much padding
        "qGLNAoT7E-upkvmo6m4Pdrq_08nn4jYURUqhloIpRn8=", // URL alphabet
        "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8==", // 45 characters
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" // 36 bytes
    })
    void rejectsAnythingButCanonical44CharacterBase64(String text) {
        assertEquals(Optional.empty(), WgKey.parseBase64(text));
    }

    @Test
    void hidesItselfInToString() {
        WgKey k = WgKey.parseBase64(TestKeys.MAIN_PRIVATE).orElseThrow();
        assertEquals("(hidden)", k.toString());
    }

    @Test
    void copiesInAndOut() {
        byte[] raw = new byte[32];
        WgKey k = WgKey.of(raw);
        assertTrue(k.isZero());
        raw[0] = 1;
        assertTrue(k.isZero());
        k.bytes()[0] = 1;
        assertTrue(k.isZero());
        assertFalse(WgKey.parseBase64(TestKeys.MAIN_PUBLIC).orElseThrow().isZero());
        assertThrows(IllegalArgumentException.class, () -> WgKey.of(new byte[31]));
    }

    @Test
    void wipeZeroesTheKeyBytes() {
        WgKey k = WgKey.parseBase64(TestKeys.MAIN_PRIVATE).orElseThrow();
        k.wipe();
        assertTrue(k.isZero());
        assertArrayEquals(new byte[32], k.bytes());
        assertEquals(WgKey.of(new byte[32]), k);
    }
}
