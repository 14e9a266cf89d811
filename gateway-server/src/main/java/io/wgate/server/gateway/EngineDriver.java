package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.wgate.core.CryptoJob;
import io.wgate.core.Engine;
import io.wgate.core.Protocol;
import io.wgate.crypto.ChaCha20Poly1305;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Owns the {@link Engine} on its event loop: supplies the monotonic time, ends each batch of inputs (hands its
 * crypto jobs to the workers, flushes the outbox), completes the jobs the workers finished, in order, and runs
 * {@link Engine#onTick} at {@link Engine#nextDeadlineNanos()}. Queued handshake work runs as its own loop task, one
 * budget per round of the loop, so reads of transport data interleave with it.
 *
 * <p>Threads: the engine, this driver, the outbox and the owner side of the crypto workers and of the handshake
 * worker belong to the engine's event loop. {@link #requireLoop} is the one check of that, made by every method that
 * is not per packet (and so, once per batch, for the per-packet ones too).
 */
final class EngineDriver {

    /**
     * Free job slots the stages keep before each input: the most jobs one input can submit (a flush of a full staged
     * queue plus a keepalive) with room to spare.
     */
    static final int CRYPTO_SLOTS_PER_INPUT = Protocol.MAX_STAGED_PACKETS + 8;

    private final Engine engine;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final Runnable tickTask = this::tick;
    private NettyOutbox outbox;
    private CryptoWorkers workers;
    /** The engine's own AEAD, with which this loop runs the crypto jobs no worker took (see {@link #flush}). */
    private ChaCha20Poly1305 loopAead;
    private HandshakeWorker handshakeWorker;
    private ChannelHandlerContext routeContext;
    private ScheduledFuture<?> scheduledTick;
    private long scheduledDeadlineNanos = Long.MAX_VALUE;
    private boolean immediateTickQueued;
    private boolean stopped;

    EngineDriver(Engine engine, EventLoop loop) {
        this(engine, loop, System::nanoTime);
    }

    /** A driver whose monotonic time is {@code clock} (tests drive the engine with a hand clock). */
    EngineDriver(Engine engine, EventLoop loop, LongSupplier clock) {
        this.engine = engine;
        this.loop = loop;
        this.clock = clock;
    }

    /**
     * Sets the outbox. Must run on the engine's loop, in the same task that binds the UDP socket: a
     * datagram can then only be read after the outbox is there (see {@code DataPlane#openUdp}).
     *
     * @throws IllegalStateException off the loop
     */
    void attach(NettyOutbox outbox) {
        requireLoop("attach the outbox");
        this.outbox = outbox;
    }

    /**
     * Seals and opens through {@code cryptoWorkers} from now on (before traffic flows); their completion requests
     * must run {@link #completeCryptoJobs} on this loop. The loop itself runs, with {@code aead} (the engine's, used
     * on this loop only), the jobs of each batch that no worker took (see {@link CryptoWorkers#dispatchAndRun}).
     */
    void useWorkers(CryptoWorkers cryptoWorkers, ChaCha20Poly1305 aead) {
        requireLoop("start the crypto workers");
        this.workers = cryptoWorkers;
        this.loopAead = aead;
        engine.setCryptoQueue(cryptoWorkers);
    }

    /**
     * Runs the Diffie-Hellman of initiations on {@code worker} from now on (before traffic flows); its completion
     * requests must run {@link #completeHandshakeJobs} on this loop.
     */
    void useHandshakeWorker(HandshakeWorker worker) {
        requireLoop("start the handshake worker");
        this.handshakeWorker = worker;
        engine.setHandshakeJobs(worker);
    }

    /** The handshake worker finished jobs: the engine completes them (responses go out), then the batch ends. */
    void completeHandshakeJobs() {
        requireLoop("complete handshake jobs");
        if (stopped || handshakeWorker == null) {
            return;
        }
        long now = nowNanos();
        reserveCryptoSlots(); // a completed handshake may flush staged packets
        handshakeWorker.completeReady(job -> engine.onHandshakeDone(now, job, outbox));
        afterBatch();
    }

    /** Plaintext completed by the workers enters the UDP pipeline at {@code context} (the decrypt stage's). */
    void routeFrom(ChannelHandlerContext context) {
        this.routeContext = context;
    }

    Engine engine() {
        return engine;
    }

    NettyOutbox outbox() {
        return outbox;
    }

    EventLoop loop() {
        return loop;
    }

    /** The crypto workers, or null when the loop seals and opens inline. */
    CryptoWorkers workers() {
        return workers;
    }

    /** Monotonic now. */
    long nowNanos() {
        return clock.getAsLong();
    }

    /**
     * Before an input that may submit crypto jobs: makes sure {@value #CRYPTO_SLOTS_PER_INPUT} slots are free,
     * completing finished jobs and, when a burst outran the workers, waiting for them (the reader slows to the
     * workers' pace instead of dropping). Nothing to do without workers.
     */
    void reserveCryptoSlots() {
        CryptoWorkers pool = workers;
        while (pool != null && pool.awaitSpace(CRYPTO_SLOTS_PER_INPUT, loopAead)) {
            completeReady();
        }
    }

    /**
     * A packet read from the TUN device goes to the engine (after {@link #reserveCryptoSlots}); {@code source} is the
     * buffer of the read it was cut from, or null: the jobs that seal messages lying in it keep it for their
     * completion ({@link CryptoWorkers#submitFrom}). Takes ownership of {@code packet}.
     */
    void onTunnelPacket(ByteBuf packet, ByteBuf source) {
        reserveCryptoSlots();
        CryptoWorkers pool = workers;
        if (pool == null || source == null) {
            engine.onTunnelPacket(nowNanos(), packet, outbox);
            return;
        }
        pool.submitFrom(source);
        try {
            engine.onTunnelPacket(nowNanos(), packet, outbox);
        } finally {
            pool.submitFrom(null);
        }
    }

    /** After a batch of inputs: jobs to the workers, what the batch produced flushed, the next tick scheduled. */
    void afterBatch() {
        requireLoop("end a batch");
        flush();
        reschedule();
    }

    /**
     * The workers finished jobs: completes every job ready at the head, in submission order (sealed datagrams to
     * the outbox, plaintext into the UDP pipeline's route stage), then ends the batch.
     */
    void completeCryptoJobs() {
        requireLoop("complete crypto jobs");
        if (stopped || workers == null) {
            return;
        }
        completeReady();
        afterBatch();
    }

    private void completeReady() {
        long now = nowNanos();
        CryptoJob job;
        while ((job = workers.nextCompleted()) != null) {
            ByteBuf plaintext;
            outbox.completing(workers.sourceOf(job));
            try {
                plaintext = engine.onCryptoDone(now, job, outbox);
            } finally {
                outbox.completing(null);
            }
            workers.release(job);
            if (plaintext != null) {
                routeContext.fireChannelRead(plaintext);
            }
        }
    }

    /**
     * Hands the batch's crypto jobs to the workers, runs those no worker took (a small batch entirely, with no thread
     * woken), completes what is done, and flushes the outbox.
     */
    private void flush() {
        if (workers != null && workers.dispatchAndRun(loopAead) > 0) {
            completeReady();
        }
        outbox.flush();
    }

    /** Runs a tick now (configuration changes call this so owed keepalives go out at once). */
    void tick() {
        immediateTickQueued = false;
        if (stopped) {
            return;
        }
        requireLoop("tick");
        if (scheduledTick != null) {
            scheduledTick.cancel(false); // no-op when this is that tick running
            scheduledTick = null;
        }
        scheduledDeadlineNanos = Long.MAX_VALUE;
        reserveCryptoSlots();
        engine.onTick(nowNanos(), outbox);
        flush();
        reschedule();
    }

    /** Schedules the tick at the engine's next deadline if that is earlier than what is scheduled. */
    void reschedule() {
        if (stopped) {
            return;
        }
        long deadline = engine.nextDeadlineNanos();
        if (deadline == Long.MIN_VALUE) {
            if (!immediateTickQueued) {
                immediateTickQueued = true;
                // Scheduled, not execute()d: the loop runs every task submitted while it drains its task
                // queue (checking the time only every 64 tasks), so a tick that re-submitted itself while
                // handshakes remain queued would process the whole queue before the loop read the socket
                // again. A task scheduled now waits for the next round, after the loop's I/O: reads of
                // transport data interleave with each tick's handshake budget, and the queue can grow to
                // its under-load depth (cookie replies instead of Diffie-Hellman) during a flood.
                loop.schedule(tickTask, 0, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (deadline == Long.MAX_VALUE || deadline >= scheduledDeadlineNanos) {
            return;
        }
        if (scheduledTick != null) {
            scheduledTick.cancel(false);
        }
        scheduledDeadlineNanos = deadline;
        long delayNanos = Math.max(0, deadline - nowNanos());
        scheduledTick = loop.schedule(tickTask, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Cancels the scheduled tick; no tick runs after this (shutdown). With workers: stops them, releases the jobs
     * still in flight and seals and opens inline from then on (so the engine's own shutdown destroys keys at once).
     * Idempotent.
     */
    void stop() {
        stopped = true;
        if (scheduledTick != null) {
            scheduledTick.cancel(false);
        }
        if (workers != null) {
            workers.close();
            workers.discardInFlight();
            engine.setCryptoQueue(null);
            workers = null;
        }
        if (handshakeWorker != null) {
            handshakeWorker.close(engine::discardHandshakeJob);
            engine.setHandshakeJobs(null);
            handshakeWorker = null;
        }
    }

    /** The one thread check of the engine's side of the gateway: throws naming {@code what} when off the loop. */
    void requireLoop(String what) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException(what + ": must run on the engine's event loop " + loop
                    + ", not on " + Thread.currentThread().getName());
        }
    }
}
