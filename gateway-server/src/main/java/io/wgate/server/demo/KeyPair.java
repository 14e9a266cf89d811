package io.wgate.server.demo;

import io.wgate.crypto.X25519;
import io.wgate.server.config.WgKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A gateway's static Curve25519 key pair, generated as {@code wg genkey | wg pubkey} would.
 *
 * @param privateKey the clamped private key
 * @param publicKey  its public key
 */
public record KeyPair(WgKey privateKey, WgKey publicKey) {

    /** A fresh key pair from {@code random}. */
    public static KeyPair generate(SecureRandom random) {
        byte[] seed = new byte[X25519.KEY_LENGTH];
        random.nextBytes(seed);
        byte[] secret = X25519.privateKeyFrom(seed);
        byte[] pub = X25519.publicKey(secret);
        KeyPair pair = new KeyPair(WgKey.of(secret), WgKey.of(pub));
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(secret, (byte) 0);
        return pair;
    }

    /** Shows the public key only. */
    @Override
    public String toString() {
        return "KeyPair[publicKey=" + publicKey.toBase64() + "]";
    }
}
