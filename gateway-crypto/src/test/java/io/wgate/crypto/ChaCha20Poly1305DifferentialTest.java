package io.wgate.crypto;

import static io.wgate.crypto.ChaCha20Poly1305.TAG_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized differential test: OpenSSL against the JDK (each other's naive twin) on random
 * keys, nonces, counters, additional data and sizes 0..2000, on random buffer shapes. Each sealed
 * message must be identical, open on the other side, and be rejected by both after one flipped byte.
 * Reproduce a failure with {@code -Dwgate.seed=<printed seed>}.
 */
class ChaCha20Poly1305DifferentialTest {
    private static final long SEED = Long.getLong("wgate.seed", System.nanoTime());
    private static final int[] EDGE_SIZES = {0, 1, 15, 16, 17, 63, 64, 65, 1420, 2000};
    private static final int RANDOM_CASES = 300;

    private static ChaCha20Poly1305 openssl;
    private static ChaCha20Poly1305 jdk;

    @BeforeAll
    static void open() {
        System.out.println("ChaCha20Poly1305DifferentialTest seed=" + SEED + " (rerun with -Dwgate.seed=" + SEED + ")");
        if (AeadImplementation.OPENSSL.isAvailable()) {
            openssl = AeadImplementation.OPENSSL.newInstance();
        }
        jdk = AeadImplementation.JDK.newInstance();
    }

    @BeforeEach
    void requireOpenSsl() {
        OpenSslRequirement.require();
    }

    @AfterAll
    static void close() {
        if (openssl != null) {
            openssl.close();
        }
        if (jdk != null) {
            jdk.close();
        }
    }

    static Stream<Integer> sizes() {
        Random random = new Random(SEED);
        return Stream.concat(IntStream.of(EDGE_SIZES).boxed(),
                IntStream.range(0, RANDOM_CASES).mapToObj(i -> random.nextInt(2001)));
    }

    @ParameterizedTest(name = "size {0}")
    @MethodSource("sizes")
    void opensslAndJdkAgreeAndRejectTampering(int size) {
        Random random = new Random(SEED * 31 + size);
        byte[] keyBytes = bytes(random, 32);
        AeadKey key = AeadKey.copyOf(keyBytes);
        byte[] plaintext = bytes(random, size);
        boolean counterForm = random.nextBoolean();
        long counter = random.nextLong();
        byte[] nonce = bytes(random, 12);
        byte[] ad = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(65));
        int prefix = random.nextInt(8);
        TestBuffers shapeA = TestBuffers.values()[random.nextInt(TestBuffers.values().length)];
        TestBuffers shapeB = TestBuffers.values()[random.nextInt(TestBuffers.values().length)];
        ByteBuf a = shapeA.withContent(prefix, plaintext, TAG_LENGTH);
        ByteBuf b = shapeB.withContent(prefix, plaintext, TAG_LENGTH);
        String context = "seed=" + SEED + " size=" + size + " counterForm=" + counterForm + " shapes=" + shapeA + "/" + shapeB;
        try {
            seal(openssl, counterForm, key, counter, nonce, ad, a, prefix, size);
            seal(jdk, counterForm, key, counter, nonce, ad, b, prefix, size);
            byte[] sealed = TestBuffers.read(a, prefix, size + TAG_LENGTH);
            assertArrayEquals(sealed, TestBuffers.read(b, prefix, size + TAG_LENGTH), context);

            // Cross-open: each opens what the other sealed.
            assertTrue(open(jdk, counterForm, key, counter, nonce, ad, a, prefix, size + TAG_LENGTH), context);
            assertTrue(open(openssl, counterForm, key, counter, nonce, ad, b, prefix, size + TAG_LENGTH), context);
            assertArrayEquals(plaintext, TestBuffers.read(a, prefix, size), context);
            assertArrayEquals(plaintext, TestBuffers.read(b, prefix, size), context);

            // Flip one random bit of ciphertext or tag: both must reject.
            int at = random.nextInt(size + TAG_LENGTH);
            int bit = 1 << random.nextInt(8);
            for (ChaCha20Poly1305 aead : new ChaCha20Poly1305[] {openssl, jdk}) {
                a.setBytes(prefix, sealed);
                a.setByte(prefix + at, a.getByte(prefix + at) ^ bit);
                assertFalse(open(aead, counterForm, key, counter, nonce, ad, a, prefix, size + TAG_LENGTH),
                        aead.name() + " accepted a flipped bit at " + at + "; " + context);
            }
        } finally {
            TestBuffers.release(a);
            TestBuffers.release(b);
            key.destroy();
        }
    }

    /**
     * A session's pattern: one key for many packets (OpenSSL then reloads only the IV), interleaved with a second
     * key and with forged packets that fail to open; every packet must match the JDK's and open after a failure.
     */
    @org.junit.jupiter.api.Test
    void manyPacketsUnderOneKeyInterleavedWithAnotherKeyAndForgeriesAgreeWithTheJdk() {
        Random random = new Random(SEED * 17 + 3);
        AeadKey first = AeadKey.copyOf(bytes(random, 32));
        AeadKey second = AeadKey.copyOf(bytes(random, 32));
        try {
            for (int n = 0; n < 200; n++) {
                AeadKey key = random.nextInt(5) == 0 ? second : first;
                int size = random.nextInt(1500);
                byte[] plaintext = bytes(random, size);
                ByteBuf a = TestBuffers.DIRECT.withContent(16, plaintext, TAG_LENGTH);
                ByteBuf b = TestBuffers.DIRECT.withContent(16, plaintext, TAG_LENGTH);
                String context = "seed=" + SEED + " packet " + n;
                try {
                    openssl.seal(key, n, a, 16, size);
                    jdk.seal(key, n, b, 16, size);
                    byte[] sealed = TestBuffers.read(a, 16, size + TAG_LENGTH);
                    assertArrayEquals(TestBuffers.read(b, 16, size + TAG_LENGTH), sealed, context);
                    if (random.nextInt(4) == 0) {
                        a.setByte(16, a.getByte(16) ^ 1);
                        assertFalse(openssl.open(key, n, a, 16, size + TAG_LENGTH), context + ": forgery");
                        a.setBytes(16, sealed);
                    }
                    assertTrue(openssl.open(key, n, a, 16, size + TAG_LENGTH), context);
                    assertArrayEquals(plaintext, TestBuffers.read(a, 16, size), context);
                } finally {
                    TestBuffers.release(a);
                    TestBuffers.release(b);
                }
            }
        } finally {
            first.destroy();
            second.destroy();
        }
    }

    private static void seal(ChaCha20Poly1305 aead, boolean counterForm, AeadKey key, long counter, byte[] nonce,
                             byte[] ad, ByteBuf buf, int offset, int length) {
        if (counterForm) {
            aead.seal(key, counter, buf, offset, length);
        } else {
            aead.seal(key, nonce, ad, buf, offset, length);
        }
    }

    private static boolean open(ChaCha20Poly1305 aead, boolean counterForm, AeadKey key, long counter, byte[] nonce,
                                byte[] ad, ByteBuf buf, int offset, int length) {
        return counterForm ? aead.open(key, counter, buf, offset, length) : aead.open(key, nonce, ad, buf, offset, length);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
