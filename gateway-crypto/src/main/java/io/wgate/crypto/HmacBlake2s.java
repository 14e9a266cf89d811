package io.wgate.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC (RFC 2104) over BLAKE2s-256 with a 64-byte block: WireGuard's HMAC, used only inside
 * {@link Kdf} (whitepaper §5.4). Not the same as keyed BLAKE2s ({@link Blake2s#mac}).
 */
public final class HmacBlake2s {
    /** Output length in bytes. */
    public static final int LENGTH = Blake2s.HASH_LENGTH;

    private HmacBlake2s() {
    }

    /** HMAC-BLAKE2s-256 of {@code data} under {@code key} (any length; longer than 64 bytes is hashed first). */
    public static byte[] hmac(byte[] key, byte[] data) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
        // BouncyCastle's HMac takes the block size from Blake2sDigest.getByteLength(), which is 64.
        HMac mac = new HMac(new Blake2sDigest(LENGTH * 8));
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[LENGTH];
        mac.doFinal(out, 0);
        return out;
    }
}
