package io.wgate.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3, WireGuard's XAEAD for cookie replies,
 * whitepaper §5.4, §5.4.7): subkey = HChaCha20(key, nonce[0..16)), then RFC 8439 ChaCha20-Poly1305
 * with nonce 0⁴ ‖ nonce[16..24). HChaCha20 is ours; the inner AEAD is BouncyCastle's lightweight
 * {@code org.bouncycastle.crypto.modes.ChaCha20Poly1305} (spelled out in full below so it cannot
 * be mistaken for our {@link ChaCha20Poly1305} interface). Allocates per call: for the handshake path, not for transport data.
 */
public final class XChaCha20Poly1305 {
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 24;
    /** Key length in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** HChaCha20 input nonce length in bytes (draft §2.2). */
    public static final int HCHACHA_NONCE_LENGTH = 16;

    private XChaCha20Poly1305() {
    }

    /**
     * Encrypts {@code plaintext} with additional data {@code ad} ({@code null} = empty).
     *
     * @return ciphertext ‖ 16-byte tag, a new array
     */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] ad) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        try {
            org.bouncycastle.crypto.modes.ChaCha20Poly1305 cipher = inner(true, key, nonce, ad);
            int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
            cipher.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("XChaCha20-Poly1305 seal failed", e);
        }
    }

    /**
     * Decrypts and authenticates {@code ciphertext} (ciphertext ‖ tag).
     *
     * @return the plaintext, or null if the input is not authentic (including shorter than a tag)
     */
    public static byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
        Objects.requireNonNull(ciphertext, "ciphertext");
        org.bouncycastle.crypto.modes.ChaCha20Poly1305 cipher = inner(false, key, nonce, ad);
        if (ciphertext.length < TAG_LENGTH) {
            return null;
        }
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        try {
            int n = cipher.processBytes(ciphertext, 0, ciphertext.length, out, 0);
            cipher.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            return null;
        }
    }

    private static org.bouncycastle.crypto.modes.ChaCha20Poly1305 inner(boolean encrypt, byte[] key, byte[] nonce,
                                                                        byte[] ad) {
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("XChaCha20-Poly1305 nonce must be " + NONCE_LENGTH
                    + " bytes, got " + nonce.length);
        }
        byte[] subkey = hChaCha20(key, Arrays.copyOf(nonce, HCHACHA_NONCE_LENGTH));
        byte[] innerNonce = new byte[12];
        System.arraycopy(nonce, HCHACHA_NONCE_LENGTH, innerNonce, 4, 8);
        var cipher = new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
        try {
            cipher.init(encrypt, new AEADParameters(new KeyParameter(subkey), TAG_LENGTH * 8, innerNonce, ad));
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
        return cipher;
    }

    /**
     * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): the ChaCha20 block function's 20 rounds over
     * constants ‖ key ‖ nonce16 without the final addition, returning state words 0-3 and 12-15.
     *
     * @return a new 32-byte subkey
     */
    public static byte[] hChaCha20(byte[] key, byte[] nonce16) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(nonce16, "nonce16");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("HChaCha20 key must be " + KEY_LENGTH + " bytes, got " + key.length);
        }
        if (nonce16.length != HCHACHA_NONCE_LENGTH) {
            throw new IllegalArgumentException("HChaCha20 nonce must be " + HCHACHA_NONCE_LENGTH
                    + " bytes, got " + nonce16.length);
        }
        int[] x = new int[16];
        // "expand 32-byte k" (RFC 8439 §2.3).
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            x[4 + i] = littleEndianInt(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = littleEndianInt(nonce16, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLittleEndianInt(out, 4 * i, x[i]);
            putLittleEndianInt(out, 16 + 4 * i, x[12 + i]);
        }
        Arrays.fill(x, 0);
        return out;
    }

    /** RFC 8439 §2.1 quarter round on state words a, b, c, d. */
    private static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void putLittleEndianInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
