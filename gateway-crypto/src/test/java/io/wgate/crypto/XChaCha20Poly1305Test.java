package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** XChaCha20-Poly1305 against draft-irtf-cfrg-xchacha-03 and Wycheproof, plus round trips. */
class XChaCha20Poly1305Test {
    /** Wycheproof xchacha groups with nonces of 64, 96, 160 and 256 bits: one invalid case each. */
    private static final int WYCHEPROOF_UNSUPPORTED_NONCE_CASES = 4;

    @Test
    void hChaCha20MatchesDraftSection221() {
        Map<String, String> v = Vectors.blocks("xchacha-draft-03.txt").get(0);
        assertEquals("HChaCha20", v.get("Test"));
        assertArrayEquals(Vectors.hex(v.get("Subkey")),
                XChaCha20Poly1305.hChaCha20(Vectors.hex(v.get("Key")), Vectors.hex(v.get("Nonce"))));
    }

    @Test
    void aeadMatchesDraftAppendixA31() {
        Map<String, String> v = Vectors.blocks("xchacha-draft-03.txt").get(1);
        assertEquals("AEAD", v.get("Test"));
        byte[] key = Vectors.hex(v.get("Key"));
        byte[] nonce = Vectors.hex(v.get("Nonce"));
        byte[] ad = Vectors.hex(v.get("AAD"));
        byte[] sealed = Vectors.concat(Vectors.hex(v.get("Ciphertext")), Vectors.hex(v.get("Tag")));
        assertArrayEquals(sealed, XChaCha20Poly1305.seal(key, nonce, Vectors.hex(v.get("Plaintext")), ad));
        assertArrayEquals(Vectors.hex(v.get("Plaintext")), XChaCha20Poly1305.open(key, nonce, sealed, ad));
    }

    @Test
    void draftVectorMatchesItsWycheproofCopy() {
        Map<String, String> v = Vectors.blocks("xchacha-draft-03.txt").get(1);
        Map<String, Object> tc1 = Json.object(Json.array(Json.object(Json.array(
                Vectors.wycheproof("xchacha20_poly1305_test.json").get("testGroups")).getFirst()).get("tests")).getFirst());
        assertEquals(1L, tc1.get("tcId"));
        assertEquals(v.get("Key"), tc1.get("key"));
        assertEquals(v.get("Nonce"), tc1.get("iv"));
        assertEquals(v.get("Ciphertext"), tc1.get("ct"));
        assertEquals(v.get("Tag"), tc1.get("tag"));
    }

    @Test
    void passesEveryWycheproofCaseWithA192BitNonce() {
        int valid = 0;
        int invalid = 0;
        int unsupported = 0;
        List<String> failures = new ArrayList<>();
        for (Object g : Json.array(Vectors.wycheproof("xchacha20_poly1305_test.json").get("testGroups"))) {
            Map<String, Object> group = Json.object(g);
            for (Object t : Json.array(group.get("tests"))) {
                Map<String, Object> test = Json.object(t);
                byte[] key = hex(test, "key");
                byte[] nonce = hex(test, "iv");
                byte[] ad = hex(test, "aad");
                byte[] msg = hex(test, "msg");
                byte[] sealed = Vectors.concat(hex(test, "ct"), hex(test, "tag"));
                String id = "tcId " + test.get("tcId");
                if ((Long) group.get("ivSize") != 192) {
                    unsupported++;
                    assertThrows(IllegalArgumentException.class, () -> XChaCha20Poly1305.open(key, nonce, sealed, ad), id);
                    continue;
                }
                if ("valid".equals(test.get("result"))) {
                    valid++;
                    if (!Bytes.constantTimeEquals(sealed, XChaCha20Poly1305.seal(key, nonce, msg, ad))) {
                        failures.add(id + ": seal differs");
                    }
                    byte[] opened = XChaCha20Poly1305.open(key, nonce, sealed, ad);
                    if (opened == null || !Bytes.constantTimeEquals(msg, opened)) {
                        failures.add(id + ": open failed");
                    }
                } else {
                    invalid++;
                    if (XChaCha20Poly1305.open(key, nonce, sealed, ad) != null) {
                        failures.add(id + ": invalid case accepted");
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(220, valid);
        assertEquals(60, invalid);
        assertEquals(WYCHEPROOF_UNSUPPORTED_NONCE_CASES, unsupported);
        System.out.printf("wycheproof xchacha20_poly1305_test.json: %d run (%d valid, %d invalid), %d skipped "
                + "(nonce not 192 bits)%n", valid + invalid, valid, invalid, unsupported);
    }

    private static byte[] hex(Map<String, Object> test, String field) {
        return Bytes.fromHex((String) test.get(field));
    }

    @Test
    void roundTripsAndRejectsTampering() {
        long seed = Long.getLong("wgate.seed", System.nanoTime());
        System.out.println("XChaCha20Poly1305Test seed=" + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            byte[] nonce = new byte[24];
            byte[] plaintext = new byte[random.nextInt(100)];
            byte[] ad = random.nextBoolean() ? null : new byte[random.nextInt(40)];
            random.nextBytes(key);
            random.nextBytes(nonce);
            random.nextBytes(plaintext);
            if (ad != null) {
                random.nextBytes(ad);
            }
            byte[] sealed = XChaCha20Poly1305.seal(key, nonce, plaintext, ad);
            assertEquals(plaintext.length + 16, sealed.length);
            assertArrayEquals(plaintext, XChaCha20Poly1305.open(key, nonce, sealed, ad), "seed=" + seed);
            sealed[random.nextInt(sealed.length)] ^= (byte) (1 << random.nextInt(8));
            assertNull(XChaCha20Poly1305.open(key, nonce, sealed, ad), "seed=" + seed);
        }
    }

    @Test
    void nullAdEqualsEmptyAd() {
        byte[] key = Vectors.sequence(32);
        byte[] nonce = Vectors.sequence(24);
        assertArrayEquals(XChaCha20Poly1305.seal(key, nonce, new byte[16], new byte[0]),
                XChaCha20Poly1305.seal(key, nonce, new byte[16], null));
    }

    @Test
    void shortCiphertextIsNotAuthentic() {
        assertNull(XChaCha20Poly1305.open(new byte[32], new byte[24], new byte[15], null));
    }

    @Test
    void rejectsBadSizes() {
        assertEquals("XChaCha20-Poly1305 nonce must be 24 bytes, got 12", assertThrows(IllegalArgumentException.class,
                () -> XChaCha20Poly1305.seal(new byte[32], new byte[12], new byte[0], null)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> XChaCha20Poly1305.seal(new byte[16], new byte[24], new byte[0], null));
        assertThrows(IllegalArgumentException.class, () -> XChaCha20Poly1305.hChaCha20(new byte[32], new byte[12]));
    }
}
