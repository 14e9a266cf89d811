package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.noise.DecryptedInitiation;
import io.wgate.core.noise.Handshake;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.core.wire.Initiation;
import java.net.InetSocketAddress;

/**
 * One handshake initiation's Diffie-Hellman work, cut out of the engine so that it can run on another thread: the
 * first half of consuming an initiation ({@link Handshake#decryptInitiation}: DH(our static, their ephemeral) and
 * the decryption of the initiator's static key), the step every initiation with a valid mac1 costs, forged or not.
 * The engine fills a job on its owner thread (after the cheap checks: mac1, the under-load cookie rule and the rate
 * limit) and hands it to {@link HandshakeJobs}; a worker calls {@link #run} once; the owner gives the job back to
 * {@link Engine#onHandshakeDone}, which does the rest (the peer's timestamp and flood rules, the response) and
 * {@link #clear clears} the job.
 *
 * <p>Threads: the owner's writes happen before the queue publishes the job (as for a {@link CryptoJob}), the
 * worker's, into this job, before the queue publishes its completion. The job keeps its own copy of the message
 * (148 bytes), never a pooled buffer.
 */
public final class HandshakeJob {

    private final byte[] message = new byte[Initiation.LENGTH];
    private final ByteBuf buffer = Unpooled.wrappedBuffer(message);
    private final Initiation initiation = new Initiation();
    private final DecryptedInitiation decrypted = new DecryptedInitiation();
    private StaticIdentity identity;
    private InetSocketAddress source;
    private DropReason failure;

    /** Copies the initiation at {@code datagram[offset]}, sent by {@code source}, to decrypt with {@code identity}. */
    void prepare(StaticIdentity identity, ByteBuf datagram, int offset, InetSocketAddress source) {
        datagram.getBytes(offset, message);
        initiation.wrap(buffer, 0);
        this.identity = identity;
        this.source = source;
        this.failure = DropReason.HANDSHAKE_DECRYPTION_FAILED; // until run says otherwise
    }

    /**
     * Decrypts the initiator's static key with the calling thread's {@code aead}. Worker thread; never throws (an
     * identity wiped meanwhile by a key change gives a failed decryption, and the owner discards the job anyway).
     */
    public void run(ChaCha20Poly1305 aead) {
        try {
            failure = Handshake.decryptInitiation(identity, aead, initiation, decrypted);
        } catch (RuntimeException e) {
            decrypted.clear();
            failure = DropReason.HANDSHAKE_DECRYPTION_FAILED;
        }
    }

    /** Null when {@link #run} decrypted the initiator's static key, else why not. */
    DropReason failure() {
        return failure;
    }

    StaticIdentity identity() {
        return identity;
    }

    InetSocketAddress source() {
        return source;
    }

    /** The job's copy of the initiation. */
    Initiation initiation() {
        return initiation;
    }

    ByteBuf buffer() {
        return buffer;
    }

    DecryptedInitiation decrypted() {
        return decrypted;
    }

    /** Wipes the result and drops every reference. Owner thread. */
    void clear() {
        decrypted.clear();
        identity = null;
        source = null;
        failure = null;
    }
}
