package io.wgate.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * WireGuard's KDF_n (whitepaper §5.4: HKDF with HMAC-BLAKE2s):
 * t0 = HMAC(key, input); t1 = HMAC(t0, 0x01); t_i = HMAC(t0, t_{i-1} ‖ byte(i)); returns t1..tn.
 */
public final class Kdf {
    /** Largest n the protocol uses. */
    public static final int MAX_OUTPUTS = 3;

    private Kdf() {
    }

    /**
     * KDF_n.
     *
     * @param n number of 32-byte outputs, 1..3
     * @return n new 32-byte arrays
     */
    public static byte[][] kdf(int n, byte[] key, byte[] input) {
        if (n < 1 || n > MAX_OUTPUTS) {
            throw new IllegalArgumentException("KDF output count must be 1.." + MAX_OUTPUTS + ", got " + n);
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        byte[] prk = HmacBlake2s.hmac(key, input);
        try {
            byte[][] out = new byte[n][];
            byte[] previous = new byte[0];
            for (int i = 1; i <= n; i++) {
                byte[] block = Arrays.copyOf(previous, previous.length + 1);
                block[previous.length] = (byte) i;
                out[i - 1] = HmacBlake2s.hmac(prk, block);
                Arrays.fill(block, (byte) 0);
                previous = out[i - 1];
            }
            return out;
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** KDF_1: one 32-byte output. */
    public static byte[] kdf1(byte[] key, byte[] input) {
        return kdf(1, key, input)[0];
    }

    /** KDF_2: two 32-byte outputs. */
    public static byte[][] kdf2(byte[] key, byte[] input) {
        return kdf(2, key, input);
    }

    /** KDF_3: three 32-byte outputs. */
    public static byte[][] kdf3(byte[] key, byte[] input) {
        return kdf(3, key, input);
    }
}
