package io.wgate.core.session;

import java.util.function.Consumer;

/**
 * A peer's previous / current / next keypairs (whitepaper §5.4.5-5.4.6; kernel {@code noise.c}).
 * We send only with {@code current}; we receive with any of the three. A responder's fresh keypair
 * waits in {@code next} until the initiator's first transport message proves the initiator holds it.
 *
 * <p>Every keypair that leaves the rotation is handed to the {@code retire} callback (the engine
 * removes its index and destroys its keys). Owner thread only.
 */
public final class Keypairs {

    private Keypair previous;
    private Keypair current;
    private Keypair next;

    /** The keypair we send with, or null. */
    public Keypair current() {
        return current;
    }

    /** The superseded keypair still accepted for receiving, or null. */
    public Keypair previous() {
        return previous;
    }

    /** The responder's keypair awaiting confirmation, or null. */
    public Keypair next() {
        return next;
    }

    /**
     * Installs a keypair derived by a completed handshake. As initiator it becomes current at once
     * (the response proved the peer has it); as responder it waits in next.
     */
    public void install(Keypair keypair, Consumer<Keypair> retire) {
        if (keypair.isInitiator()) {
            if (next != null) {
                retireIfPresent(previous, retire);
                previous = next;
                next = null;
                retireIfPresent(current, retire);
            } else {
                retireIfPresent(previous, retire);
                previous = current;
            }
            current = keypair;
        } else {
            retireIfPresent(next, retire);
            next = keypair;
            retireIfPresent(previous, retire);
            previous = null;
        }
    }

    /**
     * Called when a transport message authenticated under {@code keypair}. If that is the keypair in
     * next, the handshake is now confirmed: next becomes current and current becomes previous.
     *
     * @return whether this confirmed a handshake (the caller runs "handshake complete" and flushes
     *     staged packets)
     */
    public boolean receivedWith(Keypair keypair, Consumer<Keypair> retire) {
        if (next == null || keypair != next) {
            return false;
        }
        retireIfPresent(previous, retire);
        previous = current;
        current = next;
        next = null;
        return true;
    }

    /** Retires all three keypairs (key zeroing, peer removal). */
    public void clear(Consumer<Keypair> retire) {
        retireIfPresent(previous, retire);
        retireIfPresent(current, retire);
        retireIfPresent(next, retire);
        previous = null;
        current = null;
        next = null;
    }

    /** Makes current and next unusable for sending (after a private key change). */
    public void expireForSending() {
        if (current != null) {
            current.expireForSending();
        }
        if (next != null) {
            next.expireForSending();
        }
    }

    /** Whether no keypair is held. */
    public boolean isEmpty() {
        return previous == null && current == null && next == null;
    }

    private static void retireIfPresent(Keypair keypair, Consumer<Keypair> retire) {
        if (keypair != null) {
            retire.accept(keypair);
        }
    }
}
