package io.wgate.core.noise;

import io.wgate.crypto.Blake2s;
import io.wgate.crypto.X25519;
import java.util.Arrays;

/**
 * Our static key pair and the values precomputed from it: the mac1 key and cookie key peers use
 * when talking to us, and the initial hash of initiations addressed to us.
 */
public final class StaticIdentity {

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] responderInitialHash;

    private StaticIdentity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = X25519.publicKey(this.privateKey);
        this.mac1Key = Blake2s.hash(Noise.LABEL_MAC1, publicKey);
        this.cookieKey = Blake2s.hash(Noise.LABEL_COOKIE, publicKey);
        this.responderInitialHash = Blake2s.hash(Noise.INITIAL_HASH, publicKey);
    }

    /** Derives the identity of a 32-byte X25519 private key (copied). */
    public static StaticIdentity of(byte[] privateKey) {
        if (privateKey.length != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("private key must be 32 bytes, got " + privateKey.length);
        }
        return new StaticIdentity(privateKey);
    }

    /** The private key itself (not a copy): callers must not modify or keep it. */
    public byte[] privateKey() {
        return privateKey;
    }

    /** Our static public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether {@code key} equals our public key. */
    public boolean hasPublicKey(byte[] key) {
        return Arrays.equals(publicKey, key);
    }

    /** HASH("mac1----" || our public key): verifies mac1 on messages sent to us. */
    public byte[] mac1Key() {
        return mac1Key;
    }

    /** HASH("cookie--" || our public key): encrypts the cookies we hand out. */
    public byte[] cookieKey() {
        return cookieKey;
    }

    /** HASH(H0 || our public key): the hash every initiation addressed to us starts from. */
    byte[] responderInitialHash() {
        return responderInitialHash;
    }

    /** DH(our private key, {@code publicKey}) into {@code out}; false when the result is all zero. */
    public boolean sharedSecret(byte[] publicKey, byte[] out) {
        return X25519.sharedSecret(privateKey, publicKey, out);
    }

    /** Zeroes the private key. */
    public void wipe() {
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "StaticIdentity[publicKey=" + java.util.Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
