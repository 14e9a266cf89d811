package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** X25519 against Wycheproof, RFC 7748 §5.2 and §6.1. */
class X25519Test {
    private static final List<Map<String, String>> RFC_EXTRA = Vectors.blocks("rfc7748-iterations-and-dh.txt");

    @Test
    void passesEveryWycheproofCase() {
        int valid = 0;
        int acceptable = 0;
        int zero = 0;
        List<String> failures = new ArrayList<>();
        for (Object g : Json.array(Vectors.wycheproof("x25519_test.json").get("testGroups"))) {
            Map<String, Object> group = Json.object(g);
            assertEquals("curve25519", group.get("curve"));
            for (Object t : Json.array(group.get("tests"))) {
                Map<String, Object> test = Json.object(t);
                String id = "tcId " + test.get("tcId") + " " + test.get("flags");
                byte[] priv = Bytes.fromHex((String) test.get("private"));
                byte[] pub = Bytes.fromHex((String) test.get("public"));
                byte[] shared = Bytes.fromHex((String) test.get("shared"));
                String result = (String) test.get("result");
                switch (result) {
                    case "valid" -> valid++;
                    case "acceptable" -> acceptable++;
                    default -> throw new IllegalStateException(id + ": unexpected result " + result);
                }
                boolean expectZero = Bytes.isAllZero(shared);
                if (expectZero != Json.array(test.get("flags")).contains("ZeroSharedSecret")) {
                    failures.add(id + ": ZeroSharedSecret flag disagrees with the expected output");
                }
                if (!Arrays.equals(shared, X25519.scalarMult(priv, pub))) {
                    failures.add(id + ": scalarMult differs");
                }
                byte[] out = new byte[32];
                Arrays.fill(out, (byte) 0x77);
                boolean accepted = X25519.sharedSecret(priv, pub, out);
                if (accepted == expectZero) {
                    failures.add(id + ": sharedSecret returned " + accepted);
                }
                if (!Arrays.equals(shared, out)) {
                    failures.add(id + ": sharedSecret output differs");
                }
                zero += expectZero ? 1 : 0;
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(265, valid);
        assertEquals(253, acceptable);
        assertEquals(31, zero);
        System.out.printf("wycheproof x25519_test.json: %d run (%d valid, %d acceptable; %d all-zero shared secrets "
                + "rejected by sharedSecret)%n", valid + acceptable, valid, acceptable, zero);
    }

    @Test
    void matchesRfc7748Section52SingleShotVectors() {
        List<Map<String, String>> vectors = Vectors.blocks("cryptography/rfc7748.txt");
        assertEquals(3, vectors.size());
        for (Map<String, String> v : vectors) {
            assertEquals(v.get("OUTPUT_U"), Bytes.hex(X25519.scalarMult(Vectors.hex(v.get("INPUT_SCALAR")),
                    Vectors.hex(v.get("INPUT_U")))), "COUNT = " + v.get("COUNT"));
        }
    }

    @Test
    void matchesRfc7748Section52IteratedOnceAndAThousandTimes() {
        assertEquals("1", RFC_EXTRA.get(0).get("Iterations"));
        assertEquals("1000", RFC_EXTRA.get(1).get("Iterations"));
        byte[][] state = {nine(), nine()};
        iterate(state, 1);
        assertEquals(RFC_EXTRA.get(0).get("Result"), Bytes.hex(state[0]));
        iterate(state, 999);
        assertEquals(RFC_EXTRA.get(1).get("Result"), Bytes.hex(state[0]));
    }

    /**
     * About two minutes, so tagged {@code slow}: the default build excludes that tag (it is not run, rather
     * than reported as skipped); run it with
     * {@code ./mvnw verify -pl gateway-crypto -Dgroups=slow -Dtest.excludedGroups=}.
     */
    @Tag("slow")
    @Test
    void matchesRfc7748Section52IteratedAMillionTimes() {
        assertEquals("1000000", RFC_EXTRA.get(2).get("Iterations"));
        byte[][] state = {nine(), nine()};
        iterate(state, 1_000_000);
        assertEquals(RFC_EXTRA.get(2).get("Result"), Bytes.hex(state[0]));
    }

    private static byte[] nine() {
        byte[] b = new byte[32];
        b[0] = 9;
        return b;
    }

    /** state = {k, u}; each step (k, u) = (X25519(k, u), k). */
    private static void iterate(byte[][] state, int times) {
        for (int i = 0; i < times; i++) {
            byte[] next = X25519.scalarMult(state[0], state[1]);
            state[1] = state[0];
            state[0] = next;
        }
    }

    @Test
    void matchesRfc7748Section61AliceAndBob() {
        Map<String, String> v = RFC_EXTRA.get(3);
        byte[] alice = Vectors.hex(v.get("AlicePrivate"));
        byte[] bob = Vectors.hex(v.get("BobPrivate"));
        assertEquals(v.get("AlicePublic"), Bytes.hex(X25519.publicKey(alice)));
        assertEquals(v.get("BobPublic"), Bytes.hex(X25519.publicKey(bob)));
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        assertTrue(X25519.sharedSecret(alice, Vectors.hex(v.get("BobPublic")), k1));
        assertTrue(X25519.sharedSecret(bob, Vectors.hex(v.get("AlicePublic")), k2));
        assertEquals(v.get("Shared"), Bytes.hex(k1));
        assertEquals(v.get("Shared"), Bytes.hex(k2));
    }

    @Test
    void privateKeyFromClampsACopy() {
        byte[] random = new byte[32];
        Arrays.fill(random, (byte) 0xff);
        byte[] k = X25519.privateKeyFrom(random);
        assertEquals((byte) 0xf8, k[0]);
        assertEquals((byte) 0x7f, k[31]);
        assertEquals((byte) 0xff, random[0], "input untouched");
        byte[] zeros = X25519.privateKeyFrom(new byte[32]);
        assertEquals(0x40, zeros[31]);
    }

    @Test
    void randomKeyPairsAgree() {
        long seed = Long.getLong("wgate.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 20; i++) {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            random.nextBytes(a);
            random.nextBytes(b);
            byte[] ka = X25519.privateKeyFrom(a);
            byte[] kb = X25519.privateKeyFrom(b);
            byte[] s1 = new byte[32];
            byte[] s2 = new byte[32];
            assertTrue(X25519.sharedSecret(ka, X25519.publicKey(kb), s1));
            assertTrue(X25519.sharedSecret(kb, X25519.publicKey(ka), s2));
            assertArrayEquals(s1, s2, "seed=" + seed);
        }
    }

    @Test
    void rejectsTheZeroPointAndWrongLengths() {
        byte[] out = new byte[32];
        assertFalse(X25519.sharedSecret(X25519.privateKeyFrom(Vectors.sequence(32)), new byte[32], out));
        assertArrayEquals(new byte[32], out);
        assertEquals("X25519 publicKey must be 32 bytes, got 31", assertThrows(IllegalArgumentException.class,
                () -> X25519.sharedSecret(new byte[32], new byte[31], new byte[32])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> X25519.publicKey(new byte[33]));
    }
}
