package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HMAC-BLAKE2s against a naive twin written straight from RFC 2104 over {@link Blake2s#hash}
 * (block size 64), on seeded random keys around the block size. The KDF KATs in {@link KdfTest}
 * pin it to WireGuard's values.
 */
class HmacBlake2sTest {
    private static final int BLOCK = 64;

    static byte[] naiveHmac(byte[] key, byte[] data) {
        byte[] k = key.length > BLOCK ? Blake2s.hash(key) : key;
        byte[] inner = new byte[BLOCK];
        byte[] outer = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            inner[i] = (byte) (b ^ 0x36);
            outer[i] = (byte) (b ^ 0x5c);
        }
        return Blake2s.hash(outer, Blake2s.hash(inner, data));
    }

    @Test
    void equalsTheNaiveRfc2104Construction() {
        long seed = Long.getLong("wgate.seed", System.nanoTime());
        System.out.println("HmacBlake2sTest seed=" + seed);
        Random random = new Random(seed);
        int[] keyLengths = {0, 1, 16, 32, 63, 64, 65, 100};
        for (int keyLength : keyLengths) {
            for (int i = 0; i < 20; i++) {
                byte[] key = new byte[keyLength];
                byte[] data = new byte[random.nextInt(300)];
                random.nextBytes(key);
                random.nextBytes(data);
                assertArrayEquals(naiveHmac(key, data), HmacBlake2s.hmac(key, data),
                        "seed=" + seed + " keyLength=" + keyLength);
            }
        }
    }
}
