package io.wgate.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 32-byte ChaCha20-Poly1305 key. Immutable until {@link #destroy()}, which zeroes the bytes; any use
 * after that throws {@link IllegalStateException}. {@link #toString()} never prints the key.
 *
 * <p>Owned by one thread at a time (the keypair's owner); {@code destroy} is not meant to race with
 * a seal or open using the same key.
 */
public final class AeadKey {
    /** Key length in bytes (RFC 8439 §2.8). */
    public static final int LENGTH = 32;

    private final byte[] key;
    private volatile boolean destroyed;

    private AeadKey(byte[] key) {
        this.key = key;
    }

    /**
     * Copies {@code key} into a new {@code AeadKey}; the caller keeps (and may zero) its array.
     *
     * @throws IllegalArgumentException unless {@code key} is exactly 32 bytes
     */
    public static AeadKey copyOf(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("AEAD key must be " + LENGTH + " bytes, got " + key.length);
        }
        return new AeadKey(key.clone());
    }

    /** Zeroes the key bytes. Idempotent. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    /** True once {@link #destroy()} has run. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /**
     * The live key bytes for the implementations in this package; never modify or leak them.
     *
     * @throws IllegalStateException once destroyed
     */
    byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("AeadKey used after destroy()");
        }
        return key;
    }

    @Override
    public String toString() {
        return destroyed ? "AeadKey[destroyed]" : "AeadKey[32 bytes]";
    }
}
