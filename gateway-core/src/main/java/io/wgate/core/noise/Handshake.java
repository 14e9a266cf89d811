package io.wgate.core.noise;

import io.netty.buffer.ByteBuf;
import io.wgate.core.DropReason;
import io.wgate.core.Entropy;
import io.wgate.core.Protocol;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.Response;
import io.wgate.crypto.Blake2s;
import io.wgate.crypto.Bytes;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.Tai64n;
import io.wgate.crypto.X25519;
import java.util.Arrays;

/**
 * One peer's Noise_IKpsk2 handshake (whitepaper §5.4.2-5.4.4, §5.1; kernel {@code noise.c}), with the
 * kernel's create/consume verb pairs: {@link #createInitiation}, {@link #consumeInitiation} (after
 * {@link #decryptInitiation}), {@link #createResponse}, {@link #consumeResponse} and
 * {@link #beginSession}.
 *
 * <p>Methods that can fail return the {@link DropReason} explaining why, or {@code null} on success;
 * on failure the committed state is unchanged. mac1/mac2 and index allocation are the caller's job:
 * the caller writes the sender index before calling a {@code create} method and appends the MACs
 * afterwards. Owner thread only.
 */
public final class Handshake {

    private static final byte[] EMPTY = new byte[0];

    private final byte[] remoteStatic;
    private final byte[] initiatorInitialHash;
    private final byte[] presharedKey = new byte[Noise.KEY_LENGTH];
    private byte[] staticStatic;

    private HandshakeState state = HandshakeState.ZEROED;
    private SymmetricState symmetric;
    private byte[] localEphemeralPrivate;
    private byte[] remoteEphemeral;
    private int localIndex;
    private boolean hasLocalIndex;
    private int remoteIndex;

    private final byte[] latestTimestamp = new byte[Tai64n.LENGTH];
    private long lastInitiationConsumedNanos;
    private boolean hasConsumedInitiation;

    /** A handshake with the peer whose static public key is {@code remoteStatic} (copied). */
    public Handshake(byte[] remoteStatic) {
        if (remoteStatic.length != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("public key must be 32 bytes, got " + remoteStatic.length);
        }
        this.remoteStatic = remoteStatic.clone();
        this.initiatorInitialHash = Blake2s.hash(Noise.INITIAL_HASH, this.remoteStatic);
    }

    /**
     * Recomputes the static-static DH for a new (or removed, {@code null}) identity and forgets any
     * handshake in progress. A peer whose DH with us is all zero can never complete a handshake.
     */
    public void setIdentity(StaticIdentity identity) {
        if (staticStatic != null) {
            Arrays.fill(staticStatic, (byte) 0);
        }
        staticStatic = null;
        if (identity != null) {
            byte[] dh = new byte[Noise.KEY_LENGTH];
            if (identity.sharedSecret(remoteStatic, dh)) {
                staticStatic = dh;
            }
        }
        clear();
    }

    /**
     * Forgets every secret, the configured ones too: the handshake in progress ({@link #clear}), the
     * preshared key and the static-static DH. For a peer that is removed or an engine that closes; the
     * handshake needs {@link #setIdentity} and {@link #setPresharedKey} again before it can be used.
     */
    public void wipeKeys() {
        clear();
        Arrays.fill(presharedKey, (byte) 0);
        if (staticStatic != null) {
            Arrays.fill(staticStatic, (byte) 0);
            staticStatic = null;
        }
    }

    /** Sets the optional pre-shared key; {@code null} or all zero means none. */
    public void setPresharedKey(byte[] key) {
        if (key == null) {
            Arrays.fill(presharedKey, (byte) 0);
        } else if (key.length != Noise.KEY_LENGTH) {
            throw new IllegalArgumentException("pre-shared key must be 32 bytes, got " + key.length);
        } else {
            System.arraycopy(key, 0, presharedKey, 0, Noise.KEY_LENGTH);
        }
    }

    /** Whether a non-zero pre-shared key is set. */
    public boolean hasPresharedKey() {
        return !Bytes.isAllZero(presharedKey);
    }

    /** A copy of the pre-shared key (all zero when none). */
    public byte[] presharedKey() {
        return presharedKey.clone();
    }

    /** The peer's static public key (a copy). */
    public byte[] remoteStatic() {
        return remoteStatic.clone();
    }

    /** The current state. */
    public HandshakeState state() {
        return state;
    }

    // ---------------------------------------------------------------- initiator: message 1

    /**
     * Fills the ephemeral, encrypted static and encrypted timestamp of {@code message}, whose sender
     * index the caller has set to {@link #localIndex()}. On success the state is
     * {@link HandshakeState#INITIATION_CREATED}; a retry always builds a brand-new initiation.
     */
    public DropReason createInitiation(StaticIdentity identity, ChaCha20Poly1305 aead, Entropy entropy,
                                       long epochNanos, Initiation message) {
        if (identity == null) {
            return DropReason.NO_IDENTITY;
        }
        if (staticStatic == null) {
            return DropReason.ZERO_DH_RESULT;
        }
        SymmetricState s = SymmetricState.of(Noise.INITIAL_CHAINING_KEY, initiatorInitialHash);
        byte[] ephemeralPrivate = newPrivateKey(entropy);
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        message.setEphemeral(ephemeralPublic);
        s.mixHash(ephemeralPublic);
        s.mixChainingKey(ephemeralPublic);

        byte[] dh = new byte[Noise.KEY_LENGTH];
        if (!X25519.sharedSecret(ephemeralPrivate, remoteStatic, dh)) {
            Arrays.fill(ephemeralPrivate, (byte) 0);
            s.wipe();
            return DropReason.ZERO_DH_RESULT;
        }
        ByteBuf buf = message.buffer();
        int offset = message.offset();
        s.encryptAndHash(aead, s.mixKey(dh), identity.publicKey(), buf, offset + Initiation.ENCRYPTED_STATIC_OFFSET);
        byte[] timestamp = Tai64n.of(epochNanos);
        s.encryptAndHash(aead, s.mixKey(staticStatic), timestamp, buf, offset + Initiation.ENCRYPTED_TIMESTAMP_OFFSET);
        Arrays.fill(dh, (byte) 0);

        wipeSecrets();
        symmetric = s;
        localEphemeralPrivate = ephemeralPrivate;
        state = HandshakeState.INITIATION_CREATED;
        return null;
    }

    // ---------------------------------------------------------------- responder: message 1

    /**
     * First half of consuming an initiation, before the sending peer is known: decrypts the
     * initiator's static key into {@code out}. Borrows the message's buffer without modifying it.
     */
    public static DropReason decryptInitiation(StaticIdentity identity, ChaCha20Poly1305 aead, Initiation message,
                                               DecryptedInitiation out) {
        out.clear();
        if (identity == null) {
            return DropReason.NO_IDENTITY;
        }
        SymmetricState s = SymmetricState.of(Noise.INITIAL_CHAINING_KEY, identity.responderInitialHash());
        byte[] ephemeral = new byte[Noise.KEY_LENGTH];
        message.getEphemeral(ephemeral);
        s.mixHash(ephemeral);
        s.mixChainingKey(ephemeral);
        byte[] dh = new byte[Noise.KEY_LENGTH];
        if (!identity.sharedSecret(ephemeral, dh)) {
            return DropReason.ZERO_DH_RESULT;
        }
        byte[] initiatorStatic = s.decryptAndHash(aead, s.mixKey(dh), message.buffer(),
                message.offset() + Initiation.ENCRYPTED_STATIC_OFFSET, Initiation.ENCRYPTED_STATIC_LENGTH);
        if (initiatorStatic == null) {
            s.wipe();
            return DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
        out.symmetric = s;
        out.remoteEphemeral = ephemeral;
        out.remoteStatic = initiatorStatic;
        out.senderIndex = message.senderIndex();
        return null;
    }

    /**
     * Second half of consuming an initiation from this peer: decrypts the timestamp and applies the
     * replay rule (strictly newer than any accepted before, for the lifetime of the peer) and the
     * flood rule (at most one per {@link Protocol#INITIATION_MIN_INTERVAL_NANOS}). On success the
     * state is {@link HandshakeState#INITIATION_CONSUMED}.
     */
    public DropReason consumeInitiation(DecryptedInitiation decrypted, ChaCha20Poly1305 aead, Initiation message,
                                        long nowNanos) {
        if (staticStatic == null) {
            return DropReason.ZERO_DH_RESULT;
        }
        SymmetricState s = decrypted.symmetric;
        byte[] timestamp = s.decryptAndHash(aead, s.mixKey(staticStatic), message.buffer(),
                message.offset() + Initiation.ENCRYPTED_TIMESTAMP_OFFSET, Initiation.ENCRYPTED_TIMESTAMP_LENGTH);
        if (timestamp == null) {
            return DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
        if (Tai64n.compare(timestamp, latestTimestamp) <= 0) {
            return DropReason.HANDSHAKE_REPLAY;
        }
        if (hasConsumedInitiation && nowNanos - lastInitiationConsumedNanos < Protocol.INITIATION_MIN_INTERVAL_NANOS) {
            return DropReason.HANDSHAKE_FLOOD;
        }
        System.arraycopy(timestamp, 0, latestTimestamp, 0, Tai64n.LENGTH);
        lastInitiationConsumedNanos = nowNanos;
        hasConsumedInitiation = true;

        wipeSecrets();
        symmetric = s;
        remoteEphemeral = decrypted.remoteEphemeral;
        remoteIndex = decrypted.senderIndex;
        decrypted.symmetric = null;
        state = HandshakeState.INITIATION_CONSUMED;
        return null;
    }

    // ---------------------------------------------------------------- responder: message 2

    /**
     * Fills {@code message} (whose sender index the caller has set to {@link #localIndex()}) with the
     * receiver index, our ephemeral and the encrypted empty payload. On success the state is
     * {@link HandshakeState#RESPONSE_CREATED} and {@link #beginSession} may follow.
     */
    public DropReason createResponse(ChaCha20Poly1305 aead, Entropy entropy, Response message) {
        if (state != HandshakeState.INITIATION_CONSUMED) {
            return DropReason.UNEXPECTED_HANDSHAKE_STATE;
        }
        message.receiverIndex(remoteIndex);
        byte[] ephemeralPrivate = newPrivateKey(entropy);
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        message.setEphemeral(ephemeralPublic);
        symmetric.mixHash(ephemeralPublic);
        symmetric.mixChainingKey(ephemeralPublic);
        byte[] dh = new byte[Noise.KEY_LENGTH];
        try {
            if (!X25519.sharedSecret(ephemeralPrivate, remoteEphemeral, dh)) {
                clear(); // the half-mixed state is useless: the initiator has to start over
                return DropReason.ZERO_DH_RESULT;
            }
            symmetric.mixChainingKey(dh);
            if (!X25519.sharedSecret(ephemeralPrivate, remoteStatic, dh)) {
                clear();
                return DropReason.ZERO_DH_RESULT;
            }
            symmetric.mixChainingKey(dh);
        } finally {
            Arrays.fill(dh, (byte) 0);
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
        byte[] key = symmetric.mixKeyAndHash(presharedKey);
        symmetric.encryptAndHash(aead, key, EMPTY, message.buffer(), message.offset() + Response.ENCRYPTED_NOTHING_OFFSET);
        state = HandshakeState.RESPONSE_CREATED;
        return null;
    }

    // ---------------------------------------------------------------- initiator: message 2

    /**
     * Consumes the response to our initiation (the caller matched its receiver index to
     * {@link #localIndex()}). Works on a copy of the state, so a forged response changes nothing.
     * On success the state is {@link HandshakeState#RESPONSE_CONSUMED}.
     */
    public DropReason consumeResponse(StaticIdentity identity, ChaCha20Poly1305 aead, Response message) {
        if (state != HandshakeState.INITIATION_CREATED) {
            return DropReason.UNEXPECTED_HANDSHAKE_STATE;
        }
        if (identity == null) {
            return DropReason.NO_IDENTITY;
        }
        SymmetricState s = symmetric.copy();
        byte[] ephemeral = new byte[Noise.KEY_LENGTH];
        message.getEphemeral(ephemeral);
        s.mixHash(ephemeral);
        s.mixChainingKey(ephemeral);
        byte[] dh = new byte[Noise.KEY_LENGTH];
        try {
            if (!X25519.sharedSecret(localEphemeralPrivate, ephemeral, dh)) {
                s.wipe();
                return DropReason.ZERO_DH_RESULT;
            }
            s.mixChainingKey(dh);
            if (!identity.sharedSecret(ephemeral, dh)) {
                s.wipe();
                return DropReason.ZERO_DH_RESULT;
            }
            s.mixChainingKey(dh);
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
        byte[] key = s.mixKeyAndHash(presharedKey);
        byte[] nothing = s.decryptAndHash(aead, key, message.buffer(),
                message.offset() + Response.ENCRYPTED_NOTHING_OFFSET, ChaCha20Poly1305.TAG_LENGTH);
        if (nothing == null) {
            s.wipe();
            return DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
        wipeSecrets();
        symmetric = s;
        remoteIndex = message.senderIndex();
        state = HandshakeState.RESPONSE_CONSUMED;
        return null;
    }

    // ---------------------------------------------------------------- both: derive the session

    /**
     * Derives the transport keys (T1, T2) = KDF2(C, empty), oriented for our role, and zeroes the
     * handshake. Our local index passes to the session: the caller re-points it in the index table.
     *
     * @throws IllegalStateException unless a response was just created or consumed
     */
    public SessionKeys beginSession() {
        boolean initiator;
        if (state == HandshakeState.RESPONSE_CONSUMED) {
            initiator = true;
        } else if (state == HandshakeState.RESPONSE_CREATED) {
            initiator = false;
        } else {
            throw new IllegalStateException("no session to begin in state " + state);
        }
        byte[][] keys = symmetric.split();
        SessionKeys session = initiator
                ? new SessionKeys(keys[0], keys[1], true, localIndex, remoteIndex)
                : new SessionKeys(keys[1], keys[0], false, localIndex, remoteIndex);
        hasLocalIndex = false;
        clear();
        return session;
    }

    // ---------------------------------------------------------------- indices and wiping

    /** Records the index the caller allocated for this handshake. */
    public void setLocalIndex(int index) {
        localIndex = index;
        hasLocalIndex = true;
    }

    /** Whether an index is allocated to this handshake (and must be freed before a new one). */
    public boolean hasLocalIndex() {
        return hasLocalIndex;
    }

    /** This handshake's index in the device's index table. */
    public int localIndex() {
        return localIndex;
    }

    /** Forgets the index (the caller removed it from the index table). */
    public void releaseLocalIndex() {
        hasLocalIndex = false;
    }

    /**
     * Wipes everything secret about the handshake in progress and returns to
     * {@link HandshakeState#ZEROED}. The replay and flood bookkeeping survive, as they must for the
     * lifetime of the peer.
     */
    public void clear() {
        wipeSecrets();
        state = HandshakeState.ZEROED;
    }

    private void wipeSecrets() {
        if (symmetric != null) {
            symmetric.wipe();
            symmetric = null;
        }
        if (localEphemeralPrivate != null) {
            Arrays.fill(localEphemeralPrivate, (byte) 0);
            localEphemeralPrivate = null;
        }
        remoteEphemeral = null;
    }

    private static byte[] newPrivateKey(Entropy entropy) {
        byte[] random = new byte[X25519.KEY_LENGTH];
        entropy.nextBytes(random);
        byte[] key = X25519.privateKeyFrom(random);
        Arrays.fill(random, (byte) 0);
        return key;
    }
}
