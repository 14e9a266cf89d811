package io.wgate.core.noise;

import io.wgate.crypto.Blake2s;
import java.nio.charset.StandardCharsets;

/**
 * The fixed strings of WireGuard's Noise instance and the values derived from them
 * (whitepaper §5.4, §5.4.2).
 */
public final class Noise {

    /** Noise protocol name; 37 ASCII bytes, hashed because it is longer than HASHLEN. */
    public static final byte[] CONSTRUCTION =
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);

    /** The Noise prologue WireGuard uses. */
    public static final byte[] IDENTIFIER =
            "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);

    /** Label hashed with a static public key to derive the mac1 key. */
    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);

    /** Label hashed with a static public key to derive the cookie-encryption key. */
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    /** Bytes of a key, a hash or a chaining key. */
    public static final int KEY_LENGTH = 32;

    /** C0 = HASH(CONSTRUCTION): the initial chaining key. */
    public static final byte[] INITIAL_CHAINING_KEY = Blake2s.hash(CONSTRUCTION);

    /** H0 = HASH(C0 || IDENTIFIER): the initial hash, the prologue already mixed in. */
    public static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAINING_KEY, IDENTIFIER);

    /** Returns a copy of C0 (callers mutate their copy). */
    static byte[] initialChainingKey() {
        return INITIAL_CHAINING_KEY.clone();
    }

    private Noise() {
    }
}
