package io.wgate.server.gateway;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.wgate.core.Engine;
import java.util.concurrent.TimeUnit;

/**
 * Owns the {@link Engine} on its event loop: supplies the monotonic time, flushes the outbox after
 * each batch and runs {@link Engine#onTick} at {@link Engine#nextDeadlineNanos()}. Queued handshake
 * work runs as its own loop task, one budget per round of the loop, so reads of transport data
 * interleave with it.
 *
 * <p>Every method runs on the engine's event loop.
 */
final class EngineDriver {

    private final Engine engine;
    private final EventLoop loop;
    private final Runnable tickTask = this::tick;
    private NettyOutbox outbox;
    private ScheduledFuture<?> scheduledTick;
    private long scheduledDeadlineNanos = Long.MAX_VALUE;
    private boolean immediateTickQueued;
    private boolean stopped;

    EngineDriver(Engine engine, EventLoop loop) {
        this.engine = engine;
        this.loop = loop;
    }

    /**
     * Sets the outbox. Must run on the engine's loop, in the same task that binds the UDP socket: a
     * datagram can then only be read after the outbox is there (see {@code DataPlane#openUdp}).
     *
     * @throws IllegalStateException off the loop
     */
    void attach(NettyOutbox outbox) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("attach the outbox on the engine's event loop, in the task that"
                    + " binds the UDP socket");
        }
        this.outbox = outbox;
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

    /** Monotonic now. */
    long nowNanos() {
        return System.nanoTime();
    }

    /** After a batch of inputs: flush what they produced and make sure the next tick is scheduled. */
    void afterBatch() {
        outbox.flush();
        reschedule();
    }

    /** Runs a tick now (configuration changes call this so owed keepalives go out at once). */
    void tick() {
        immediateTickQueued = false;
        if (stopped) {
            return;
        }
        if (scheduledTick != null) {
            scheduledTick.cancel(false); // no-op when this is that tick running
            scheduledTick = null;
        }
        scheduledDeadlineNanos = Long.MAX_VALUE;
        engine.onTick(nowNanos(), outbox);
        outbox.flush();
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

    /** Cancels the scheduled tick; no tick runs after this (shutdown). Idempotent. */
    void stop() {
        stopped = true;
        if (scheduledTick != null) {
            scheduledTick.cancel(false);
        }
    }
}
