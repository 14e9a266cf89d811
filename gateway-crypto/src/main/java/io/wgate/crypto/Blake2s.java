package io.wgate.crypto;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * BLAKE2s (RFC 7693) on BouncyCastle's {@code Blake2sDigest}: WireGuard's HASH (unkeyed, 32 bytes)
 * and MAC (natively keyed, 16 bytes), whitepaper §5.4. Allocates a digest per call (handshake path).
 */
public final class Blake2s {
    /** BLAKE2s-256 output length in bytes (WireGuard HASH). */
    public static final int HASH_LENGTH = 32;
    /** WireGuard MAC output length in bytes (mac1, mac2, cookie). */
    public static final int MAC_LENGTH = 16;
    /** Largest BLAKE2s key, in bytes (RFC 7693 §2.1). */
    public static final int MAX_KEY_LENGTH = 32;

    private Blake2s() {
    }

    /** BLAKE2s-256 of {@code a}, unkeyed. */
    public static byte[] hash(byte[] a) {
        Blake2sDigest d = new Blake2sDigest(HASH_LENGTH * 8);
        d.update(a, 0, a.length);
        return finish(d, HASH_LENGTH);
    }

    /** BLAKE2s-256 of the concatenation {@code a ‖ b}, unkeyed. */
    public static byte[] hash(byte[] a, byte[] b) {
        Blake2sDigest d = new Blake2sDigest(HASH_LENGTH * 8);
        d.update(a, 0, a.length);
        d.update(b, 0, b.length);
        return finish(d, HASH_LENGTH);
    }

    /**
     * General BLAKE2s: {@code outLength} bytes (1..32) of {@code data}, keyed with {@code key}
     * (0..32 bytes; null or empty = unkeyed).
     */
    public static byte[] digest(byte[] key, int outLength, byte[] data) {
        Objects.requireNonNull(data, "data");
        Blake2sDigest d = newDigest(key, outLength);
        d.update(data, 0, data.length);
        return finish(d, outLength);
    }

    /** WireGuard MAC: keyed BLAKE2s with 16-byte output over {@code data[offset, offset+length)}. */
    public static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Blake2sDigest d = newDigest(requireKey(key), MAC_LENGTH);
        d.update(data, offset, length);
        return finish(d, MAC_LENGTH);
    }

    /**
     * WireGuard MAC over {@code buf[offset, offset+length)} by absolute index. Borrows {@code buf}:
     * indices and reference count are unchanged, no reference is kept.
     */
    public static byte[] mac(byte[] key, ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.capacity());
        Blake2sDigest d = newDigest(requireKey(key), MAC_LENGTH);
        if (buf.hasArray()) {
            d.update(buf.array(), buf.arrayOffset() + offset, length);
        } else {
            byte[] chunk = new byte[Math.min(length, 256)];
            for (int done = 0; done < length; ) {
                int n = Math.min(chunk.length, length - done);
                buf.getBytes(offset + done, chunk, 0, n);
                d.update(chunk, 0, n);
                done += n;
            }
        }
        return finish(d, MAC_LENGTH);
    }

    private static byte[] requireKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("MAC key must not be empty");
        }
        return key;
    }

    private static Blake2sDigest newDigest(byte[] key, int outLength) {
        if (outLength < 1 || outLength > HASH_LENGTH) {
            throw new IllegalArgumentException("BLAKE2s output length must be 1.." + HASH_LENGTH + ", got " + outLength);
        }
        if (key != null && key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("BLAKE2s key must be at most " + MAX_KEY_LENGTH
                    + " bytes, got " + key.length);
        }
        byte[] k = key == null || key.length == 0 ? null : key;
        return new Blake2sDigest(k, outLength, null, null);
    }

    private static byte[] finish(Blake2sDigest d, int outLength) {
        byte[] out = new byte[outLength];
        d.doFinal(out, 0);
        return out;
    }
}
