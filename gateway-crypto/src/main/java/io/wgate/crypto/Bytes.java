package io.wgate.crypto;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/** Small byte-array helpers: lower-case hex and constant-time comparison. */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {
    }

    /** Lower-case hex of {@code bytes} without separators. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Parses hex (either case, no separators).
     *
     * @throws IllegalArgumentException naming the problem when the length is odd or a character is not hex
     */
    public static byte[] fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if ((hex.length() & 1) != 0) {
            throw new IllegalArgumentException("hex string has an odd length (" + hex.length() + " characters)");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("not a hex digit at index " + i + ": '" + hex.charAt(i) + "'");
            }
        }
        return HEX.parseHex(hex);
    }

    /** Constant-time equality for equal-length arrays (time depends only on the lengths). */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** True iff every byte is zero; the time taken depends only on the length. */
    public static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }
}
