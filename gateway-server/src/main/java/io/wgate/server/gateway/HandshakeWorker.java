package io.wgate.server.gateway;

import io.wgate.core.HandshakeJob;
import io.wgate.core.HandshakeJobs;
import io.wgate.crypto.ChaCha20Poly1305;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The engine's {@link HandshakeJobs} on one thread of its own ({@code wgate-NAME-handshake-0}): the Diffie-Hellman
 * of every initiation that passed the engine's cheap checks runs here, so a flood of initiations with a valid mac1
 * costs the event loop a copy and a hand-over each, never an X25519 (issue "Hostile input", item 2; the kernel's
 * handshake workers). Bounded: at most {@code capacity} jobs exist, so a flood that outruns the thread is dropped at
 * the engine (and, counted with the engine's queue, puts it under load, where cookies take over).
 *
 * <p>Threads: {@link #claim}, {@link #submit}, {@link #backlog} and {@link #completeReady} on the engine's loop (its
 * owner, checked by {@link EngineDriver}); the worker takes jobs from a blocking queue and returns them through a
 * concurrent one, then asks {@code completions} to run {@code onCompleted} (at most one request outstanding). Jobs
 * are preallocated; the queues' nodes are the only allocation, per handshake, not per packet.
 */
final class HandshakeWorker implements HandshakeJobs, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HandshakeWorker.class.getName());
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final ArrayDeque<HandshakeJob> free;
    private final ArrayBlockingQueue<HandshakeJob> toWorker;
    private final ConcurrentLinkedQueue<HandshakeJob> done = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean completionRequested = new AtomicBoolean();
    private final Executor completions;
    private final Runnable onCompleted;
    private final Thread thread;
    private volatile boolean closed;
    /** Submitted and not yet completed. Owner only. */
    private int inFlight;

    /**
     * Starts the worker thread.
     *
     * @param capacity    jobs in flight at most
     * @param aead        the worker's AEAD (it decrypts the initiator's static key), made on the worker
     * @param threadName  the thread's name
     * @param completions where {@code onCompleted} runs (the engine's loop)
     * @param onCompleted asked for after jobs finished; it calls {@link #completeReady}
     */
    HandshakeWorker(int capacity, Supplier<ChaCha20Poly1305> aead, String threadName, Executor completions,
                    Runnable onCompleted) {
        this.free = new ArrayDeque<>(capacity);
        for (int i = 0; i < capacity; i++) {
            free.add(new HandshakeJob());
        }
        this.toWorker = new ArrayBlockingQueue<>(capacity);
        this.completions = completions;
        this.onCompleted = onCompleted;
        this.thread = new Thread(() -> work(aead), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public HandshakeJob claim() {
        return free.peek();
    }

    @Override
    public void submit(HandshakeJob job) {
        if (free.poll() != job) {
            throw new IllegalStateException("submitted a handshake job that was not the one claimed");
        }
        inFlight++;
        toWorker.add(job); // never full: it holds at most every job there is
    }

    @Override
    public int backlog() {
        return inFlight;
    }

    /** Completes every finished job with {@code complete} (the engine's {@code onHandshakeDone}). Owner only. */
    void completeReady(Consumer<HandshakeJob> complete) {
        completionRequested.set(false); // before polling: a job finished after this asks again
        HandshakeJob job;
        while ((job = done.poll()) != null) {
            inFlight--;
            try {
                complete.accept(job);
            } finally {
                free.add(job);
            }
        }
    }

    private void work(Supplier<ChaCha20Poly1305> aeads) {
        try (ChaCha20Poly1305 aead = aeads.get()) {
            while (!closed) {
                HandshakeJob job = toWorker.take();
                job.run(aead);
                done.add(job);
                if (!closed && completionRequested.compareAndSet(false, true)) {
                    try {
                        completions.execute(onCompleted);
                    } catch (RejectedExecutionException e) {
                        return; // the loop is shutting down
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, Thread.currentThread().getName() + " died", e);
            OutOfMemory.check(e, Thread.currentThread().getName());
        }
    }

    /**
     * Stops the thread and hands every job it did not return, and every returned one not yet completed, to
     * {@code discard} (which wipes them). Owner thread, after the engine stopped submitting. Idempotent.
     */
    void close(Consumer<HandshakeJob> discard) {
        close();
        HandshakeJob job;
        while ((job = toWorker.poll()) != null) {
            discard.accept(job);
        }
        while ((job = done.poll()) != null) {
            discard.accept(job);
        }
        inFlight = 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
