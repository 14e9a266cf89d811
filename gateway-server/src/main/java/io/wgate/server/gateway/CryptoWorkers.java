package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.wgate.core.CryptoJob;
import io.wgate.core.CryptoQueue;
import io.wgate.core.session.Keypair;
import io.wgate.crypto.ChaCha20Poly1305;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * The engine's {@link CryptoQueue} on N worker threads: sealing and opening run in parallel while the engine's
 * owner thread completes the jobs strictly in the order it submitted them, so the packets of every peer leave in
 * the order they came (wireguard-go's parallel encryption with sequential senders; the kernel's {@code queueing.c}).
 *
 * <p>Structure: a ring of {@code capacity} preallocated {@link CryptoJob}s indexed by a sequence number. The owner
 * fills jobs at the tail and {@link #dispatch publishes} the tail. A free worker takes the next range of published
 * jobs, up to the end of a block of {@value #BLOCK} (so neighbouring segments of one super-packet mostly stay on one
 * core; when a publication ends inside a block, the rest of it may go to another worker), by a compare-and-set of
 * the shared {@code claimed} sequence; after each job it stamps the job's slot with the job's sequence and result
 * ({@code done}). The owner takes the job at the head once its slot carries the head's sequence
 * ({@link #nextCompleted}). Taking ranges instead of owning every N-th block means a worker that the scheduler
 * preempts holds up at most its current range while the others go on with the rest of the ring (it matters when
 * the owner and the workers outnumber the cores). Nothing is allocated per job; a worker with nothing to do spins
 * briefly and then parks, and the owner unparks it when it publishes. The owner takes ranges the same way, with its
 * own AEAD, when it ends a batch of at most one block ({@link #dispatchAndRun}: no worker is woken for it) and while
 * it waits for space ({@link #awaitSpace}).
 *
 * <p>Cache lines: what a worker reads for each job shares no cache line with what the owner writes for each packet
 * ({@code tail}, {@code head}, {@link #submitFrom}'s source, in this object): the worker's loop holds the arrays in
 * locals and reads no field of this object per job (only when it asks for completion). The two shared sequences sit
 * far apart in one padded array, and the {@code done} stamps of neighbouring blocks, which different workers write,
 * on lines of their own (as Aeron and the Disruptor pad their sequences). On two cores this measured no different
 * (benchmarks/README.md, fifth pass); it is there for the machines where eight or more workers share these lines.
 *
 * <p>Threads: {@link #claim}, {@link #submit}, {@link #dispatch}, {@link #dispatchAndRun}, {@link #nextCompleted},
 * {@link #release}, {@link #retire}, {@link #awaitSpace}, {@link #submitFrom} and {@link #sourceOf} on the owner
 * thread only (the engine's event loop: checked by the caller, {@link EngineDriver}); {@link #close} from any thread
 * once the owner stopped submitting. A worker asks the {@code completions} executor to run the {@code onCompleted}
 * task (at most one request is outstanding) when it runs out of work, and while it stays busy each time it has taken
 * every job that was published when it last asked (in a saturated pipeline, whose workers lag about a ring behind the
 * owner, once per ring's worth of jobs: the owner is woken rarely); that is how the owner learns that jobs are ready.
 */
public final class CryptoWorkers implements CryptoQueue, AutoCloseable {

    /** The most neighbouring jobs one worker takes at once (a range never crosses a multiple of it). */
    static final int BLOCK = 8;
    /** Spins of an idle worker before it parks (a few microseconds). */
    private static final int IDLE_SPINS = 256;
    /** Jobs submitted between two publications within one batch, so workers start before the batch ends. */
    private static final int PUBLISH_EVERY = 64;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * Where the two shared sequences sit in {@link #cursors}: each with at least 64 bytes of the array on either side,
     * so neither shares a cache line with the other or with anything else (workers compare-and-set {@code claimed} for
     * every range; the owner stores {@code published} every {@value #PUBLISH_EVERY} jobs and reads it at each submit).
     */
    private static final int CLAIMED = 8;
    private static final int PUBLISHED = 24;
    private static final int CURSORS = 33;
    /**
     * Stamps per block in {@link #done}: a block's {@value #BLOCK} stamps in the middle of {@value} longs, so that the
     * stamps of neighbouring blocks, which different workers write, never share a cache line.
     */
    private static final int DONE_STRIDE = 2 * BLOCK;
    private static final long STARTUP_TIMEOUT_SECONDS = 10;
    /** How long {@link #close} waits for each worker to end. */
    static final long STOP_WAIT_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(CryptoWorkers.class.getName());

    private final CryptoJob[] ring;
    /**
     * For each slot, the buffer its job's message lies in (a TUN read's, see {@link #submitFrom}), or null. Owner
     * only: no worker reads it.
     */
    private final ByteBuf[] sources;
    /** What {@link #submit} records as the source of the jobs it takes, when their messages lie in it. Owner only. */
    private ByteBuf submitSource;
    /**
     * For each slot, at {@link #doneIndex}, the stamp of the last job run in it: its sequence shifted left by one, with
     * the job's result in the low bit ({@link #stamp}; a release store by a worker, an acquire load by the owner). The
     * result travels here rather than in the job so that the worker writes nothing into the job (see CryptoJob).
     */
    private final long[] done;
    /**
     * The shared sequences, apart ({@link #CLAIMED}, {@link #PUBLISHED}). {@code claimed}: every job below it is taken;
     * workers (and the owner, for the jobs no worker took) advance it a range at a time by compare-and-set.
     * {@code published}: the tail as the workers see it, every job below it is filled; a volatile store by
     * {@link #dispatch} and a volatile load by a worker about to park, each followed or preceded by the {@code parked}
     * flag, so that one of them always sees the other (no lost wake-up); acquire loads elsewhere.
     */
    private final long[] cursors = new long[CURSORS];
    private final int mask;
    private final Worker[] workers;
    private final Executor completions;
    private final Runnable onCompleted;
    private final Runnable completionTask = this::runCompletion;
    private final AtomicBoolean completionRequested = new AtomicBoolean();
    /** Keypairs waiting for the jobs before them to complete, with the tail at their retirement. Owner only. */
    private final ArrayDeque<Keypair> retired = new ArrayDeque<>();
    private final ArrayDeque<Long> retiredAt = new ArrayDeque<>();
    private long tail; // owner: next job to claim
    private long head; // owner: next job to complete
    private volatile boolean closed;
    private final CountDownLatch startedWorkers;
    /** The first worker that could not start (pinning refused), reported by the constructor. */
    private volatile RuntimeException startFailure;

    /**
     * The ring capacity for {@code workerCount} workers: {@code minimum} (a power of two) or, when that leaves fewer
     * than {@value #BLOCK} jobs per worker, the smallest power of two that does not.
     */
    public static int capacityFor(int workerCount, int minimum) {
        if (minimum <= 0 || Integer.bitCount(minimum) != 1) {
            throw new IllegalArgumentException("the minimum capacity must be a power of two, got " + minimum);
        }
        if (workerCount > (1 << 30) / BLOCK) {
            throw new IllegalArgumentException("no ring holds " + BLOCK + " jobs for each of " + workerCount
                    + " workers");
        }
        int needed = BLOCK * Math.max(workerCount, 1);
        return Math.max(minimum, Integer.highestOneBit(needed - 1) << 1);
    }

    /**
     * Starts {@code workerCount} threads named by {@code threadName} (given the worker number), each with its own
     * AEAD from {@code aeads} and, when {@code cpuOf} gives a CPU (not -1) for its number, pinned to it; returns once
     * all of them run.
     *
     * @param capacity    jobs in flight at most, a power of two of at least {@value #BLOCK} per worker
     * @param completions runs {@code onCompleted} on the owner thread when jobs may be ready
     * @throws IllegalStateException naming the worker and the CPU when one cannot be pinned (none is left running)
     */
    public CryptoWorkers(int workerCount, int capacity, Supplier<ChaCha20Poly1305> aeads,
                         IntFunction<String> threadName, IntUnaryOperator cpuOf, Executor completions,
                         Runnable onCompleted) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("at least one crypto worker is needed, got " + workerCount);
        }
        if (Integer.bitCount(capacity) != 1 || capacity < BLOCK * workerCount) {
            throw new IllegalArgumentException("capacity must be a power of two of at least " + BLOCK * workerCount
                    + ", got " + capacity);
        }
        this.ring = new CryptoJob[capacity];
        for (int i = 0; i < capacity; i++) {
            ring[i] = new CryptoJob();
        }
        this.sources = new ByteBuf[capacity];
        this.done = new long[doneLength(capacity)];
        Arrays.fill(done, -1); // no sequence: nothing done yet
        this.mask = capacity - 1;
        this.completions = Objects.requireNonNull(completions, "completions");
        this.onCompleted = Objects.requireNonNull(onCompleted, "onCompleted");
        this.workers = new Worker[workerCount];
        this.startedWorkers = new CountDownLatch(workerCount);
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(i, aeads, cpuOf.applyAsInt(i));
        }
        for (int i = 0; i < workerCount; i++) {
            Thread thread = new Thread(workers[i], threadName.apply(i));
            thread.setDaemon(true);
            workers[i].thread = thread;
        }
        for (Worker worker : workers) {
            worker.thread.start();
        }
        awaitStarted();
    }

    /** Waits until every worker has pinned itself (or failed to) and started; a failure stops them all. */
    private void awaitStarted() {
        boolean started;
        try {
            started = startedWorkers.await(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while the crypto workers started", e);
        }
        RuntimeException failure = startFailure;
        if (failure != null || !started) {
            close();
            throw failure != null ? failure : new IllegalStateException(
                    "the crypto workers did not start within " + STARTUP_TIMEOUT_SECONDS + " s");
        }
    }

    /** Number of worker threads. */
    public int workerCount() {
        return workers.length;
    }

    // ================================================================ owner side

    @Override
    public CryptoJob claim() {
        return tail - head == ring.length ? null : ring[(int) (tail & mask)];
    }

    @Override
    public void submit(CryptoJob job) {
        if (job != ring[(int) (tail & mask)]) {
            throw new IllegalStateException("submit the job claimed last");
        }
        ByteBuf source = submitSource;
        sources[(int) (tail & mask)] = source != null && GsoBatch.liesIn(job.buffer(), source) ? source : null;
        tail++;
        if (tail - (long) LONGS.get(cursors, PUBLISHED) >= PUBLISH_EVERY) {
            dispatch();
        }
    }

    /**
     * The jobs submitted from now on seal messages cut from {@code source} (the buffer of the TUN read being fired,
     * {@code TunChannel#firingSegmentsOf}), null once that read is over. The job of a message that lies in it keeps
     * it as its {@link #sourceOf source}: completed after the read, its datagram can still leave in a zero-copy GSO
     * send with its neighbours ({@link GsoBatch}). The source is alive while a job holds a message in it.
     */
    public void submitFrom(ByteBuf source) {
        submitSource = source;
    }

    /**
     * The buffer the message of {@code job}, a job {@link #nextCompleted} returned, lies in, if it sealed it; else
     * null (an open, a failed seal: the engine releases that message, and with it maybe the last hold on the buffer).
     */
    public ByteBuf sourceOf(CryptoJob job) {
        int slot = (int) (head & mask);
        if (job != ring[slot]) {
            throw new IllegalStateException("the source of the job nextCompleted returned only");
        }
        return job.kind() == CryptoJob.SEAL && job.succeeded() ? sources[slot] : null;
    }

    /** Makes every submitted job visible to the workers and wakes those that sleep. Cheap when nothing is new. */
    public void dispatch() {
        publish(true);
    }

    /**
     * Ends a batch. When at most one block of jobs is waiting for a worker (a TCP stream's acknowledgements, a ping,
     * the rest of a batch the workers are already on), the owner publishes it without waking anyone and runs it with
     * its {@code aead}, a range at a time as the workers do: a wake-up and a hand-over back cost more than sealing a
     * few packets. More than that goes to the workers as with {@link #dispatch}, and the owner runs none of it (it
     * has the batch's completions and the next reads to do). Complete with {@link #nextCompleted} afterwards.
     *
     * @return the jobs the owner ran
     */
    public int dispatchAndRun(ChaCha20Poly1305 aead) {
        if (tail - (long) LONGS.getVolatile(cursors, CLAIMED) > BLOCK) {
            publish(true);
            return 0;
        }
        publish(false);
        return runUnclaimed(aead);
    }

    /** Publishes the tail and, when {@code wake}, unparks the workers that sleep. */
    private void publish(boolean wake) {
        if ((long) LONGS.get(cursors, PUBLISHED) == tail) {
            return;
        }
        LONGS.setVolatile(cursors, PUBLISHED, tail); // the parked flags read below cannot be read before it is visible
        if (wake) {
            for (Worker worker : workers) {
                if (worker.parked) {
                    LockSupport.unpark(worker.thread);
                }
            }
        }
    }

    /**
     * Runs published jobs that no worker has taken, with the owner's {@code aead}, until none is left (owner thread;
     * no worker left asleep by {@link #dispatchAndRun} is then needed for them).
     */
    private int runUnclaimed(ChaCha20Poly1305 aead) {
        long limit = (long) LONGS.get(cursors, PUBLISHED);
        int ran = 0;
        long first;
        while ((first = (long) LONGS.getVolatile(cursors, CLAIMED)) < limit) {
            long end = claimRange(cursors, first, limit);
            if (end >= 0) {
                runRange(ring, done, mask, first, end, aead);
                ran += (int) (end - first);
            }
        }
        return ran;
    }

    /**
     * Takes the published jobs from {@code first} (the {@code claimed} value just read, below {@code limit}) to the
     * end of its block at most: returns the end of the range taken, or -1 if another thread took {@code first}
     * first. Owner or worker. Static, as {@link #runRange}: a worker passes what it holds and never reads this
     * object, whose {@code tail} and {@code head} the owner writes for every packet (a cache miss per job).
     */
    private static long claimRange(long[] cursors, long first, long limit) {
        long end = Math.min((first | (BLOCK - 1)) + 1, limit);
        return LONGS.compareAndSet(cursors, CLAIMED, first, end) ? end : -1;
    }

    /** Runs the jobs of sequences {@code [first, end)} and stamps each done with its result. Owner or worker. */
    private static void runRange(CryptoJob[] ring, long[] done, int mask, long first, long end,
                                 ChaCha20Poly1305 aead) {
        for (long s = first; s < end; s++) {
            int slot = (int) (s & mask);
            LONGS.setRelease(done, doneIndex(slot), stamp(s, ring[slot].run(aead)));
        }
    }

    /** The {@link #done} stamp of the job of sequence {@code s} that returned {@code result}. */
    static long stamp(long s, boolean result) {
        return s << 1 | (result ? 1 : 0);
    }

    /** Length of {@link #done} for a ring of {@code capacity} slots. */
    static int doneLength(int capacity) {
        return capacity / BLOCK * DONE_STRIDE;
    }

    /** Where the stamp of {@code slot} lies in {@link #done}. */
    static int doneIndex(int slot) {
        return slot / BLOCK * DONE_STRIDE + BLOCK / 2 + slot % BLOCK;
    }

    /**
     * The job at the head if a worker has finished it, with its result {@link CryptoJob#finish recorded}, else null;
     * give it to the engine's {@code onCryptoDone} and then {@link #release} it. Jobs come out exactly in submission
     * order.
     */
    public CryptoJob nextCompleted() {
        if (head == tail) {
            return null;
        }
        int slot = (int) (head & mask);
        long stamp = (long) LONGS.getAcquire(done, doneIndex(slot));
        if (stamp >>> 1 != head) { // the initial -1 gives Long.MAX_VALUE, a sequence never reached
            return null;
        }
        CryptoJob job = ring[slot];
        job.finish((stamp & 1) != 0);
        return job;
    }

    /** The head job was completed: its slot can be claimed again; keypairs retired before it are destroyed. */
    public void release(CryptoJob job) {
        if (job != ring[(int) (head & mask)]) {
            throw new IllegalStateException("release the job nextCompleted returned");
        }
        sources[(int) (head & mask)] = null;
        head++;
        while (!retiredAt.isEmpty() && retiredAt.peekFirst() <= head) {
            retiredAt.pollFirst();
            retired.pollFirst().destroy();
        }
    }

    /** Workers asleep now (tests: a batch the owner runs itself wakes none). */
    int parkedWorkers() {
        int parked = 0;
        for (Worker worker : workers) {
            parked += worker.parked && worker.thread.getState() == Thread.State.WAITING ? 1 : 0;
        }
        return parked;
    }

    /** Jobs submitted and not yet released. */
    public int inFlight() {
        return (int) (tail - head);
    }

    /** Free slots. */
    public int space() {
        return ring.length - inFlight();
    }

    @Override
    public void retire(Keypair keypair) {
        if (tail == head) {
            keypair.destroy();
            return;
        }
        retired.addLast(keypair);
        retiredAt.addLast(tail);
    }

    /**
     * Blocks the owner until the head job is done, when the ring has fewer than {@code slots} free slots (a burst
     * larger than the ring: the reader waits for the workers, as wireguard-go's bounded queues block the reader).
     * Publishes first, so the workers have what they need to finish; meanwhile the owner runs, with its {@code aead},
     * jobs no worker has taken yet. Returns at once when nothing is in flight, even if {@code slots} exceeds the ring
     * (the input then drops what does not fit, counted).
     *
     * @return whether it had to wait for the workers
     */
    public boolean awaitSpace(int slots, ChaCha20Poly1305 aead) {
        if (space() >= slots || head == tail) {
            return false;
        }
        dispatch();
        int spins = 0;
        while (nextCompleted() == null && !closed) {
            if (runUnclaimed(aead) > 0) {
                spins = 0;
            } else if (++spins < IDLE_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return true;
    }

    /** Asks the owner to take completed jobs, unless a request is outstanding. Worker threads. */
    private void requestCompletion() {
        if (!completionRequested.getAndSet(true)) {
            try {
                completions.execute(completionTask);
            } catch (RuntimeException e) { // the owner's executor is shutting down: nobody is waiting any more
                completionRequested.set(false);
            }
        }
    }

    private void runCompletion() {
        completionRequested.getAndSet(false); // a read too: what the requesting worker stamped is visible after it
        onCompleted.run();
    }

    // ================================================================ shutdown

    /**
     * Stops the workers (waiting up to a second each), then destroys the keys of every retired keypair. Jobs still
     * in the ring are not completed: the owner releases their buffers with {@link #discardInFlight} after this.
     */
    @Override
    public void close() {
        closed = true;
        for (Worker worker : workers) {
            worker.stop = true;
            LockSupport.unpark(worker.thread);
        }
        for (Worker worker : workers) {
            try {
                worker.thread.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        while (!retired.isEmpty()) {
            retired.pollFirst().destroy();
        }
        retiredAt.clear();
    }

    /**
     * Releases the buffers of jobs submitted and not completed (shutdown, owner thread, after {@link #close}). While a
     * worker is still running (it did not stop within {@link #close}'s wait), they stay referenced instead, and that
     * is logged: the worker may still be writing into one of them through its native address, and memory back in the
     * pool could by then belong to another buffer. Call it again once the workers have ended.
     *
     * @return the jobs whose buffers were left referenced (0: all released, or none in flight)
     */
    public int discardInFlight() {
        for (Worker worker : workers) {
            if (worker.thread.isAlive() && head != tail) {
                LOG.log(System.Logger.Level.WARNING, "crypto worker {0} has not stopped: the buffers of {1} jobs in "
                        + "flight are left unreleased, as it may still write into them", worker.thread.getName(),
                        inFlight());
                return inFlight();
            }
        }
        for (long s = head; s < tail; s++) {
            CryptoJob job = ring[(int) (s & mask)];
            if (job.buffer() != null) {
                job.buffer().release();
            }
        }
        Arrays.fill(sources, null);
        head = tail;
        return 0;
    }

    // ================================================================ workers

    /** One worker thread: takes ranges of published jobs, runs them, stamps them done, asks for completion. */
    private final class Worker implements Runnable {
        private final int number;
        private final Supplier<ChaCha20Poly1305> aeads;
        /** The CPU to pin to, or -1. */
        private final int cpu;
        volatile boolean parked;
        /** Set by {@link #close}: the worker's own copy of {@code closed}, so that its loop reads only its own line. */
        volatile boolean stop;
        Thread thread;

        Worker(int number, Supplier<ChaCha20Poly1305> aeads, int cpu) {
            this.number = number;
            this.aeads = aeads;
            this.cpu = cpu;
        }

        @Override
        public void run() {
            try {
                if (cpu >= 0) {
                    CpuAffinity.pinCurrentThread(cpu);
                }
            } catch (RuntimeException e) {
                startFailure = new IllegalStateException("crypto worker " + number + ": " + e.getMessage(), e);
                startedWorkers.countDown();
                return;
            }
            startedWorkers.countDown();
            try (ChaCha20Poly1305 aead = aeads.get()) {
                work(aead);
            }
        }

        /**
         * The worker's loop. Per job it reads its own fields, these locals and the shared arrays, no field of the
         * {@code CryptoWorkers} object (only when it asks for completion): the owner writes {@code tail} and
         * {@code head} there for every packet, and a field of the same cache line read after each job's call would
         * cost a miss per job.
         */
        private void work(ChaCha20Poly1305 aead) {
            final CryptoJob[] jobs = ring;
            final long[] stamps = done;
            final long[] sequences = cursors;
            final int slots = mask;
            int idle = 0;
            boolean worked = false;
            long runEnd = 0; // the tail published when this worker last asked for completion
            while (!stop) {
                long limit = (long) LONGS.getAcquire(sequences, PUBLISHED);
                long first = (long) LONGS.getVolatile(sequences, CLAIMED);
                if (first >= limit) {
                    if (worked) { // out of work: the owner learns at once what this worker finished
                        worked = false;
                        requestCompletion();
                    }
                    if (++idle < IDLE_SPINS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    idle = 0;
                    parked = true;
                    if ((long) LONGS.getVolatile(sequences, PUBLISHED) <= (long) LONGS.getVolatile(sequences, CLAIMED)
                            && !stop) { // volatile loads, after the parked flag
                        LockSupport.park(this);
                    }
                    parked = false;
                    continue;
                }
                long end = claimRange(sequences, first, limit);
                if (end < 0) {
                    continue; // another thread took it
                }
                idle = 0;
                worked = true;
                runRange(jobs, stamps, slots, first, end, aead);
                if (end >= runEnd) { // everything published when it last asked is taken: ask again
                    runEnd = limit;
                    worked = false; // this request covers the range, running out of work need not ask again
                    requestCompletion();
                }
            }
        }
    }
}
