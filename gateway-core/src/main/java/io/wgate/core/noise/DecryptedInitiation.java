package io.wgate.core.noise;

/**
 * The first half of consuming an initiation, done before we know which peer sent it: the state after
 * decrypting the initiator's static key. {@link Handshake#consumeInitiation} finishes the job on the
 * peer that key names. One instance is reused by the engine's owner thread.
 */
public final class DecryptedInitiation {

    SymmetricState symmetric;
    byte[] remoteEphemeral;
    byte[] remoteStatic;
    int senderIndex;

    /** The initiator's static public key, as decrypted. */
    public byte[] remoteStatic() {
        return remoteStatic;
    }

    /** The initiator's sender index. */
    public int senderIndex() {
        return senderIndex;
    }

    /** Moves {@code other}'s state here (wiping what this one held); {@code other} is left empty. */
    public void takeFrom(DecryptedInitiation other) {
        clear();
        symmetric = other.symmetric;
        remoteEphemeral = other.remoteEphemeral;
        remoteStatic = other.remoteStatic;
        senderIndex = other.senderIndex;
        other.symmetric = null;
        other.remoteEphemeral = null;
        other.remoteStatic = null;
    }

    /** Wipes what is still held (a consumed initiation's state has moved to the peer's handshake). */
    public void clear() {
        if (symmetric != null) {
            symmetric.wipe();
        }
        symmetric = null;
        remoteEphemeral = null;
        remoteStatic = null;
    }
}
