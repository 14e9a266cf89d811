package io.wgate.server.config;

import io.wgate.crypto.X25519;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A 32-byte WireGuard key: a Curve25519 private or public key, or a preshared key.
 *
 * <p>Text form is what {@code wg genkey} prints: standard base64 of exactly 32 bytes, 44 characters
 * ending in a single {@code '='}. Parsing is as strict as wireguard-tools' {@code key_from_base64}
 * ({@code encoding.c}): wrong length, characters outside the alphabet and non-canonical trailing bits
 * are all rejected. {@link #toString()} never shows the bytes; use {@link #toBase64()} deliberately
 * (for example when writing a config file or printing a public key).
 *
 * <p>A private or preshared key is {@link #wipe() wiped} once its holder no longer needs it. A wiped key
 * is all zero (so {@link #isZero()}, and its hash code changes: never wipe a key that is in a hash map).
 * The text it was parsed from (a {@link String}) cannot be wiped: it stays until the garbage collector
 * reuses its memory.
 */
public final class WgKey {

    /** Key length in bytes (Curve25519 scalars and points, and preshared keys). */
    public static final int LENGTH = 32;
    /** Length of the base64 text form: ceil(32 / 3) * 4. */
    public static final int BASE64_LENGTH = 44;

    private final byte[] bytes;

    private WgKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}, which must be exactly 32 bytes long. */
    public static WgKey of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key is " + LENGTH + " bytes, not " + bytes.length);
        }
        return new WgKey(bytes.clone());
    }

    /**
     * Parses the base64 text form strictly (see the class comment).
     *
     * @return the key, or empty when {@code text} is not a base64-encoded 32-byte key
     */
    public static Optional<WgKey> parseBase64(String text) {
        if (text.length() != BASE64_LENGTH || text.charAt(BASE64_LENGTH - 1) != '='
                || text.charAt(BASE64_LENGTH - 2) == '=') {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Java's decoder ignores the unused low bits of the last group; wg does not.
        if (decoded.length != LENGTH || !Base64.getEncoder().encodeToString(decoded).equals(text)) {
            Arrays.fill(decoded, (byte) 0);
            return Optional.empty();
        }
        return Optional.of(new WgKey(decoded));
    }

    /** A copy of the 32 key bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The Curve25519 public key of this private key, as {@code wg pubkey} derives it. The copy of the private
     * bytes made for the computation is wiped.
     */
    public WgKey publicKey() {
        byte[] secret = bytes();
        try {
            return WgKey.of(X25519.publicKey(secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The {@code wg} text form (44 characters of base64). */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The UAPI form: 64 lowercase hex digits (https://www.wireguard.com/xplatform/). */
    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** True for the all-zero key, which UAPI uses to mean "no key". */
    public boolean isZero() {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    /** Overwrites the key bytes with zeros; the key is all zero from now on. */
    public void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    /** Constant-time comparison of the key bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof WgKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Never the key itself: {@code (hidden)}, as {@code wg show} prints private keys. */
    @Override
    public String toString() {
        return "(hidden)";
    }
}
