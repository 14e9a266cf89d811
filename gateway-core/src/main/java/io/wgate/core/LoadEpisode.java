package io.wgate.core;

import java.lang.System.Logger.Level;

/**
 * One stretch of time "under load" (the handshake queue at an eighth of its capacity, or within
 * {@link Protocol#UNDER_LOAD_AFTER_TIME_NANOS} of it): its start and its end are each logged once, the end with what
 * the stretch brought (handshake messages and their rate, cookie replies sent, limited and declined), and counted
 * as {@link EngineEvent#UNDER_LOAD_ENTERED} and {@link EngineEvent#UNDER_LOAD_EXITED}. Owner: the engine's thread.
 */
final class LoadEpisode {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Engine engine;
    private boolean active;
    private long sinceNanos;
    private long handshakeMessages;
    private long messagesAtStart;
    private long cookiesAtStart;
    private long limitedAtStart;
    private long declinedAtStart;

    LoadEpisode(Engine engine) {
        this.engine = engine;
    }

    /** A queued handshake message was taken for processing. */
    void countMessage() {
        handshakeMessages++;
    }

    boolean active() {
        return active;
    }

    /** The processing of a handshake message found the device {@code underLoad}: starts an episode if none runs. */
    void observe(long nowNanos, boolean underLoad) {
        if (!underLoad || active) {
            return;
        }
        active = true;
        sinceNanos = nowNanos;
        messagesAtStart = handshakeMessages;
        cookiesAtStart = engine.counters.get(EngineEvent.COOKIE_REPLY_SENT);
        limitedAtStart = engine.drops.get(DropReason.COOKIE_REPLY_LIMITED);
        declinedAtStart = engine.drops.get(DropReason.COOKIE_REPLY_BACKPRESSURE);
        engine.counters.count(EngineEvent.UNDER_LOAD_ENTERED);
        LOG.log(Level.WARNING, "Under load: {0} handshake messages queued; handshakes now need a cookie (mac2),"
                + " answered with rate-limited cookie replies", engine.handshakeQueue.size());
    }

    /** Ends the episode at {@code nowNanos} if one runs (the device is no longer under load). */
    void end(long nowNanos) {
        if (!active) {
            return;
        }
        active = false;
        engine.counters.count(EngineEvent.UNDER_LOAD_EXITED);
        long messages = handshakeMessages - messagesAtStart;
        double seconds = Math.max(1e-9, (nowNanos - sinceNanos) / 1e9);
        LOG.log(Level.WARNING, "No longer under load after {0} s: {1} handshake messages ({2} per second),"
                + " {3} cookie replies sent, {4} limited, {5} declined to keep room for data",
                String.format("%.1f", seconds), messages, String.format("%.0f", messages / seconds),
                engine.counters.get(EngineEvent.COOKIE_REPLY_SENT) - cookiesAtStart,
                engine.drops.get(DropReason.COOKIE_REPLY_LIMITED) - limitedAtStart,
                engine.drops.get(DropReason.COOKIE_REPLY_BACKPRESSURE) - declinedAtStart);
    }
}
