package io.wgate.core;

import io.netty.buffer.ByteBufAllocator;
import io.wgate.crypto.ChaCha20Poly1305;

/**
 * What an {@link Engine} is built from. Everything with side effects is injected: the buffer
 * allocator, the AEAD instance of the owner thread, entropy and the wall clock.
 *
 * @param allocator              allocates handshake messages, keepalives and fallback copies
 * @param aead                   ChaCha20-Poly1305 of the owner thread (not shared with other threads)
 * @param entropy                keys, indices, cookie secrets, jitter
 * @param wallClock              TAI64N timestamps and "latest handshake" times
 * @param mtu                    tunnel MTU, bounds the padding of transport plaintext (0 = no bound)
 * @param handshakesPerTick      budget of queued handshake messages processed per {@link Engine#onTick}
 * @param handshakeQueueCapacity bound of the handshake queue (under load at an eighth of it)
 */
public record EngineConfig(ByteBufAllocator allocator, ChaCha20Poly1305 aead, Entropy entropy, WallClock wallClock,
                           int mtu, int handshakesPerTick, int handshakeQueueCapacity) {

    /** Default budget of handshake messages per tick: bounds how long one tick can hold the loop. */
    public static final int DEFAULT_HANDSHAKES_PER_TICK = 32;

    public EngineConfig {
        if (allocator == null || aead == null || entropy == null || wallClock == null) {
            throw new IllegalArgumentException("allocator, aead, entropy and wallClock are required");
        }
        requireValidMtu(mtu);
        if (handshakesPerTick < 1) {
            throw new IllegalArgumentException("handshakesPerTick must be positive, got " + handshakesPerTick);
        }
    }

    /** Returns {@code mtu} if it is 0 (no padding bound) or a valid tunnel MTU, else throws naming the range. */
    static int requireValidMtu(int mtu) {
        if (mtu != 0 && (mtu < Protocol.MIN_MTU || mtu > Protocol.MAX_MTU)) {
            throw new IllegalArgumentException("MTU must be 0 or " + Protocol.MIN_MTU + ".." + Protocol.MAX_MTU
                    + ", got " + mtu);
        }
        return mtu;
    }

    /** The defaults: MTU 1420, {@value #DEFAULT_HANDSHAKES_PER_TICK} handshakes per tick, kernel queue size. */
    public static EngineConfig of(ByteBufAllocator allocator, ChaCha20Poly1305 aead, Entropy entropy,
                                  WallClock wallClock) {
        return new EngineConfig(allocator, aead, entropy, wallClock, Protocol.DEFAULT_MTU,
                DEFAULT_HANDSHAKES_PER_TICK, Protocol.MAX_QUEUED_INCOMING_HANDSHAKES);
    }

    /** This configuration with another MTU. */
    public EngineConfig withMtu(int newMtu) {
        return new EngineConfig(allocator, aead, entropy, wallClock, newMtu, handshakesPerTick, handshakeQueueCapacity);
    }
}
