package io.wgate.core;

import io.wgate.core.session.Keypair;

/**
 * The seam through which the engine hands transport AEAD work to other threads (the I/O layer implements it; the
 * engine stays sans-IO). With a queue set ({@link Engine#setCryptoQueue}), the engine does everything sequential
 * itself (routing, keypair choice, counter assignment, framing; index lookup and expiry on receive) and submits a
 * {@link CryptoJob} instead of sealing or opening inline; the owner later records each job's result
 * ({@link CryptoJob#finish}, what the worker's {@link CryptoJob#run} returned) and completes it with
 * {@link Engine#onCryptoDone}, <em>in submission order</em>, so packets of a peer leave in the order they came, and
 * the replay window is still updated only after authentication.
 *
 * <p>Every method is called on the engine's owner thread.
 */
public interface CryptoQueue {

    /**
     * The job to fill next, or null when the queue is full (the engine then drops the packet, counted as
     * {@link DropReason#CRYPTO_QUEUE_FULL}). The same job is returned until it is {@link #submit submitted}.
     */
    CryptoJob claim();

    /** Hands the job last {@link #claim claimed}, now filled, to the workers (they may start it at once or later). */
    void submit(CryptoJob job);

    /**
     * A keypair left the rotation: destroy its keys once every job submitted before this call has completed (a
     * worker may still be using them), never before.
     */
    void retire(Keypair keypair);
}
