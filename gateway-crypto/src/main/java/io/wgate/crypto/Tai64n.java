package io.wgate.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * TAI64N timestamps as WireGuard's handshake initiation carries them (whitepaper §5.4, §5.1):
 * 12 bytes, big-endian u64 (2^62 + 10 + unix seconds) ‖ big-endian u32 nanoseconds.
 * Responders accept an initiation only if its stamp is strictly greater than the last one.
 */
public final class Tai64n {
    /** Encoded length in bytes. */
    public static final int LENGTH = 12;
    /** TAI64 label of the Unix epoch: 2^62 + 10 (wireguard-go {@code tai64n.go} {@code base}). */
    public static final long BASE = 0x400000000000000aL;
    /**
     * Low nanosecond bits cleared before sending: 2^24 ns ≈ 16.8 ms, so the stamp leaks no precise
     * timer (wireguard-go {@code whitenerMask}; the kernel rounds down to the same power of two).
     */
    public static final int WHITENER_MASK = 0x00ffffff;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Tai64n() {
    }

    /** The whitened stamp for wall-clock time {@code epochNanos} (nanoseconds since the Unix epoch). */
    public static byte[] of(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
        return exact(seconds, nanos & ~WHITENER_MASK);
    }

    /**
     * The stamp for {@code epochSeconds} and {@code nanos}, without whitening (for vectors).
     *
     * @throws IllegalArgumentException unless {@code 0 <= nanos < 10^9}
     */
    public static byte[] exact(long epochSeconds, int nanos) {
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException("nanoseconds must be 0..999999999, got " + nanos);
        }
        byte[] out = new byte[LENGTH];
        long label = BASE + epochSeconds;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (label >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /**
     * Orders two stamps as unsigned big-endian numbers (equivalently: by time).
     *
     * @return negative, zero or positive as {@code a} is before, equal to or after {@code b}
     * @throws IllegalArgumentException unless both are 12 bytes
     */
    public static int compare(byte[] a, byte[] b) {
        requireLength(a, "a");
        requireLength(b, "b");
        return Arrays.compareUnsigned(a, b);
    }

    private static void requireLength(byte[] stamp, String what) {
        Objects.requireNonNull(stamp, what);
        if (stamp.length != LENGTH) {
            throw new IllegalArgumentException("TAI64N stamp " + what + " must be " + LENGTH + " bytes, got "
                    + stamp.length);
        }
    }
}
