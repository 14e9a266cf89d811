package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** BLAKE2s against the reference KATs, RFC 7693 and WireGuard's derived constants. */
class Blake2sTest {
    @Test
    void matchesTheReferenceUnkeyedKats() {
        List<String> kats = Vectors.dataLines("blake2s-kat-unkeyed.txt");
        assertEquals(256, kats.size());
        for (int i = 0; i < kats.size(); i++) {
            byte[] input = Vectors.sequence(i);
            assertEquals(kats.get(i), Bytes.hex(Blake2s.hash(input)), "unkeyed KAT " + i);
            assertEquals(kats.get(i), Bytes.hex(Blake2s.digest(null, 32, input)), "unkeyed KAT " + i);
        }
        System.out.println("blake2s-kat-unkeyed.txt: " + kats.size() + " run");
    }

    @Test
    void matchesTheReferenceKeyedKats() {
        List<String> kats = Vectors.dataLines("blake2s-kat-keyed.txt");
        assertEquals(256, kats.size());
        byte[] key = Vectors.sequence(32);
        for (int i = 0; i < kats.size(); i++) {
            assertEquals(kats.get(i), Bytes.hex(Blake2s.digest(key, 32, Vectors.sequence(i))), "keyed KAT " + i);
        }
        System.out.println("blake2s-kat-keyed.txt: " + kats.size() + " run");
    }

    @Test
    void matchesThePycaVectorsIncludingRfc7693Abc() {
        List<Map<String, String>> vectors = Vectors.blocks("cryptography/blake2s.txt");
        assertEquals(7, vectors.size());
        for (Map<String, String> v : vectors) {
            int bits = Integer.parseInt(v.get("Len"));
            byte[] msg = bits == 0 ? new byte[0] : Vectors.hex(v.get("Msg"));
            assertEquals(bits / 8, msg.length);
            assertEquals(v.get("MD"), Bytes.hex(Blake2s.hash(msg)), "Len = " + bits);
        }
        // RFC 7693 Appendix B: BLAKE2s-256("abc").
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                Bytes.hex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void reproducesTheWireGuardInitialChainingKeyAndHash() {
        // whitepaper §5.4.2: C0 = HASH(CONSTRUCTION), H0 = HASH(C0 ‖ IDENTIFIER).
        byte[] c0 = Blake2s.hash("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII));
        assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36", Bytes.hex(c0));
        byte[] h0 = Blake2s.hash(c0, "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII));
        assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3", Bytes.hex(h0));
    }

    @Test
    void hashOfTwoPartsIsHashOfTheConcatenation() {
        byte[] a = Vectors.sequence(70);
        byte[] b = Vectors.sequence(13);
        assertArrayEquals(Blake2s.hash(Vectors.concat(a, b)), Blake2s.hash(a, b));
    }

    @Test
    void macIsKeyedBlake2sWithSixteenByteOutput() {
        byte[] key = Vectors.sequence(32);
        byte[] data = Vectors.sequence(200);
        byte[] mac = Blake2s.mac(key, data, 10, 116);
        assertEquals(16, mac.length);
        assertArrayEquals(Blake2s.digest(key, 16, java.util.Arrays.copyOfRange(data, 10, 126)), mac);
        // mac2 is keyed with the 16-byte cookie.
        byte[] cookie = Vectors.sequence(16);
        assertArrayEquals(Blake2s.digest(cookie, 16, data), Blake2s.mac(cookie, data, 0, data.length));
    }

    @ParameterizedTest
    @EnumSource(TestBuffers.class)
    void macOverAByteBufRegionEqualsMacOverTheArray(TestBuffers buffers) {
        long seed = Long.getLong("wgate.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            byte[] data = new byte[1 + random.nextInt(600)];
            random.nextBytes(data);
            byte[] key = new byte[random.nextBoolean() ? 32 : 16];
            random.nextBytes(key);
            int offset = random.nextInt(data.length);
            int length = random.nextInt(data.length - offset + 1);
            ByteBuf buf = buffers.withContent(0, data, 0);
            try {
                int readerIndex = buf.readerIndex();
                assertArrayEquals(Blake2s.mac(key, data, offset, length), Blake2s.mac(key, buf, offset, length),
                        "seed=" + seed);
                assertEquals(readerIndex, buf.readerIndex());
            } finally {
                TestBuffers.release(buf);
            }
        }
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> Blake2s.digest(new byte[33], 32, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Blake2s.digest(null, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Blake2s.digest(null, 33, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Blake2s.mac(new byte[0], new byte[4], 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> Blake2s.mac(new byte[32], new byte[4], 2, 3));
    }
}
