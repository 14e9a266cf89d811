package io.wgate.core;

/**
 * Wall-clock time injected into the core. It is used only where the protocol needs calendar time:
 * the TAI64N timestamp inside handshake initiations (whitepaper §5.4.2) and the "latest handshake"
 * time reported to operators. Every timer runs on the monotonic {@code nowNanos} passed to the
 * engine's inputs instead.
 */
@FunctionalInterface
public interface WallClock {

    /** Nanoseconds since the Unix epoch. */
    long epochNanos();
}
