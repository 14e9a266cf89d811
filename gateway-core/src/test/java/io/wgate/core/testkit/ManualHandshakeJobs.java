package io.wgate.core.testkit;

import io.wgate.core.Engine;
import io.wgate.core.HandshakeJob;
import io.wgate.core.HandshakeJobs;
import io.wgate.core.Outbox;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import java.util.ArrayDeque;

/**
 * {@link HandshakeJobs} a test runs by hand: submitted jobs wait until {@link #runAndComplete} plays the worker
 * (on the test thread) and then the owner. Bounded to {@code capacity} jobs in flight.
 */
public final class ManualHandshakeJobs implements HandshakeJobs, AutoCloseable {

    private final int capacity;
    private final ArrayDeque<HandshakeJob> free = new ArrayDeque<>();
    private final ArrayDeque<HandshakeJob> submitted = new ArrayDeque<>();
    private final ChaCha20Poly1305 aead = AeadImplementation.JDK.newInstance();
    private int submittedTotal;

    public ManualHandshakeJobs(int capacity) {
        this.capacity = capacity;
        for (int i = 0; i < capacity; i++) {
            free.add(new HandshakeJob());
        }
    }

    @Override
    public HandshakeJob claim() {
        return free.peek();
    }

    @Override
    public void submit(HandshakeJob job) {
        if (free.poll() != job) {
            throw new IllegalStateException("submitted a job that was not the one claimed");
        }
        submitted.add(job);
        submittedTotal++;
    }

    @Override
    public int backlog() {
        return submitted.size();
    }

    /** Jobs ever submitted. */
    public int submittedTotal() {
        return submittedTotal;
    }

    public int capacity() {
        return capacity;
    }

    /** Runs every waiting job as a worker would, then completes it on {@code engine}; returns how many. */
    public int runAndComplete(Engine engine, long nowNanos, Outbox out) {
        int done = 0;
        HandshakeJob job;
        while ((job = submitted.poll()) != null) {
            job.run(aead);
            engine.onHandshakeDone(nowNanos, job, out);
            free.add(job);
            done++;
        }
        return done;
    }

    @Override
    public void close() {
        aead.close();
    }
}
