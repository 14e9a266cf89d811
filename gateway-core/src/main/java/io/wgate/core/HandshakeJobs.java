package io.wgate.core;

/**
 * The seam through which the engine hands the Diffie-Hellman work of handshake initiations to another thread (the
 * I/O layer implements it; the engine stays sans-IO), so that a flood of initiations with a valid mac1 costs the
 * data path only the cheap checks. With jobs set ({@link Engine#setHandshakeJobs}), an initiation that passed mac1,
 * the under-load cookie rule and the rate limit becomes a {@link HandshakeJob}; the owner later completes each job
 * with {@link Engine#onHandshakeDone}. Completion order does not matter (each initiation stands alone).
 *
 * <p>Every method is called on the engine's owner thread.
 */
public interface HandshakeJobs {

    /**
     * The job to fill next, or null when the workers are that far behind (the engine then drops the initiation as
     * {@link DropReason#HANDSHAKE_QUEUE_FULL}: the sender retries, with a cookie once we are under load). The same
     * job is returned until it is {@link #submit submitted}.
     */
    HandshakeJob claim();

    /** Hands the job last {@link #claim claimed}, now filled, to the workers. */
    void submit(HandshakeJob job);

    /**
     * Jobs submitted and not yet completed. The engine counts them with its queued handshake messages when it
     * decides whether it is under load, so cookies take over when the workers fall behind.
     */
    int backlog();
}
