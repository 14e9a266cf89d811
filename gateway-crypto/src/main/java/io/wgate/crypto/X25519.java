package io.wgate.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * X25519 Diffie-Hellman (RFC 7748 §5) on BouncyCastle's constant-time
 * {@code org.bouncycastle.math.ec.rfc7748.X25519}: WireGuard's DH (whitepaper §5.4).
 * All keys are raw 32-byte little-endian strings; the scalar is clamped inside the function.
 */
public final class X25519 {
    /** Length in bytes of private keys, public keys and shared secrets. */
    public static final int KEY_LENGTH = 32;

    private X25519() {
    }

    /**
     * A private key from 32 random bytes: a clamped copy ({@code k[0] &= 248; k[31] = (k[31] & 127) | 64}).
     * The caller keeps (and should wipe) {@code random32}.
     */
    public static byte[] privateKeyFrom(byte[] random32) {
        byte[] k = requireLength(random32, "random32").clone();
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }

    /** The public key X25519(privateKey, 9). */
    public static byte[] publicKey(byte[] privateKey) {
        requireLength(privateKey, "privateKey");
        byte[] pub = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * Writes DH(privateKey, publicKey) into {@code out[0..32)}.
     *
     * @return false, with {@code out} zeroed, when the result is all zero (a low-order public key);
     *     WireGuard aborts the handshake then
     */
    public static boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        requireLength(privateKey, "privateKey");
        requireLength(publicKey, "publicKey");
        requireLength(out, "out");
        boolean nonZero = org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0);
        if (!nonZero) {
            Arrays.fill(out, (byte) 0);
        }
        return nonZero;
    }

    /** The raw RFC 7748 X25519(scalar, u) function (scalar clamped, top bit of u masked); no zero check. */
    public static byte[] scalarMult(byte[] scalar, byte[] u) {
        requireLength(scalar, "scalar");
        requireLength(u, "u");
        byte[] r = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(scalar, 0, u, 0, r, 0);
        return r;
    }

    private static byte[] requireLength(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 " + what + " must be " + KEY_LENGTH + " bytes, got " + bytes.length);
        }
        return bytes;
    }
}
