package io.wgate.core.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.Blake2s;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.Kdf;
import java.util.Arrays;

/**
 * Noise's SymmetricState: the chaining key {@code ck} and the handshake hash {@code h}, with the
 * operations of the Noise specification §5.2 expressed in WireGuard's KDF terms (whitepaper §5.4).
 * Every AEAD key derived here is used exactly once, with nonce zero.
 *
 * <p>Handshake work is rare, so this class allocates freely; it is never on the data path.
 */
public final class SymmetricState {

    private static final byte[] ZERO_NONCE = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private static final byte[] EMPTY = new byte[0];

    private byte[] chainingKey;
    private byte[] hash;

    private SymmetricState(byte[] chainingKey, byte[] hash) {
        this.chainingKey = chainingKey;
        this.hash = hash;
    }

    /** Starts from an explicit chaining key and hash (copies both). */
    public static SymmetricState of(byte[] chainingKey, byte[] hash) {
        return new SymmetricState(chainingKey.clone(), hash.clone());
    }

    /**
     * Noise {@code InitializeSymmetric(protocolName)} followed by {@code MixHash(prologue)}; for
     * WireGuard's name and prologue this yields (C0, H0).
     */
    public static SymmetricState initialize(byte[] protocolName, byte[] prologue) {
        byte[] h;
        if (protocolName.length <= Noise.KEY_LENGTH) {
            h = Arrays.copyOf(protocolName, Noise.KEY_LENGTH);
        } else {
            h = Blake2s.hash(protocolName);
        }
        SymmetricState state = new SymmetricState(h.clone(), h);
        state.mixHash(prologue);
        return state;
    }

    /** {@code h = HASH(h || data)}. */
    public void mixHash(byte[] data) {
        hash = Blake2s.hash(hash, data);
    }

    /** {@code h = HASH(h || buf[offset, offset+length))}. Borrows {@code buf}. */
    public void mixHash(ByteBuf buf, int offset, int length) {
        byte[] data = new byte[length];
        buf.getBytes(offset, data);
        mixHash(data);
    }

    /** {@code (ck, k) = KDF2(ck, input)}; returns k, which the caller uses once and wipes. */
    public byte[] mixKey(byte[] input) {
        byte[][] out = Kdf.kdf2(chainingKey, input);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = out[0];
        return out[1];
    }

    /** {@code ck = KDF1(ck, input)}: {@link #mixKey} for steps whose k is not used (it is wiped at once). */
    public void mixChainingKey(byte[] input) {
        Arrays.fill(mixKey(input), (byte) 0);
    }

    /** {@code (ck, t, k) = KDF3(ck, psk); h = HASH(h || t)}; returns k. */
    public byte[] mixKeyAndHash(byte[] presharedKey) {
        byte[][] out = Kdf.kdf3(chainingKey, presharedKey);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = out[0];
        mixHash(out[1]);
        Arrays.fill(out[1], (byte) 0);
        return out[2];
    }

    /**
     * Writes {@code AEAD(key, 0, plaintext, h)} (ciphertext then tag) into {@code out} at
     * {@code offset} and mixes that ciphertext into h. Borrows {@code out}; wipes {@code key}.
     */
    public void encryptAndHash(ChaCha20Poly1305 aead, byte[] key, byte[] plaintext, ByteBuf out, int offset) {
        out.setBytes(offset, plaintext);
        AeadKey aeadKey = AeadKey.copyOf(key);
        try {
            aead.seal(aeadKey, ZERO_NONCE, hash, out, offset, plaintext.length);
        } finally {
            aeadKey.destroy();
            Arrays.fill(key, (byte) 0);
        }
        mixHash(out, offset, plaintext.length + ChaCha20Poly1305.TAG_LENGTH);
    }

    /**
     * Opens {@code AEAD(key, 0, ·, h)} over {@code in[offset, offset+ciphertextLength)} (tag
     * included) without modifying {@code in}, and mixes the ciphertext into h. Returns the plaintext,
     * or {@code null} when it does not authenticate (h is then unspecified: abandon the handshake).
     * Borrows {@code in}; wipes {@code key}.
     */
    public byte[] decryptAndHash(ChaCha20Poly1305 aead, byte[] key, ByteBuf in, int offset, int ciphertextLength) {
        byte[] copy = new byte[ciphertextLength];
        in.getBytes(offset, copy);
        ByteBuf scratch = Unpooled.wrappedBuffer(copy);
        AeadKey aeadKey = AeadKey.copyOf(key);
        try {
            byte[] associated = hash;
            mixHash(copy); // hashed now, before the in-place open below overwrites the copy
            if (!aead.open(aeadKey, ZERO_NONCE, associated, scratch, 0, ciphertextLength)) {
                return null;
            }
            return Arrays.copyOf(copy, ciphertextLength - ChaCha20Poly1305.TAG_LENGTH);
        } finally {
            scratch.release();
            aeadKey.destroy();
            Arrays.fill(key, (byte) 0);
            Arrays.fill(copy, (byte) 0);
        }
    }

    /** Noise {@code Split()}: {@code (T1, T2) = KDF2(ck, empty)}. */
    public byte[][] split() {
        return Kdf.kdf2(chainingKey, EMPTY);
    }

    /** An independent copy, so a tentative computation can be discarded. */
    public SymmetricState copy() {
        return of(chainingKey, hash);
    }

    /** A copy of the current chaining key. */
    public byte[] chainingKey() {
        return chainingKey.clone();
    }

    /** A copy of the current handshake hash. */
    public byte[] hash() {
        return hash.clone();
    }

    /** Zeroes both secrets. */
    public void wipe() {
        Arrays.fill(chainingKey, (byte) 0);
        Arrays.fill(hash, (byte) 0);
    }
}
