package io.wgate.server.uapi;

import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.Engine;
import io.wgate.core.EngineConfig;
import io.wgate.core.testkit.SeededEntropy;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.X25519;
import io.wgate.server.config.WgKey;
import java.util.SplittableRandom;

/** Engines and keys for UAPI tests: seeded entropy, a fixed wall clock, deterministic keys. */
final class TestEngines {

    /** The fixed wall clock of test engines: 2026-01-01T00:00:00Z. */
    static final long WALL_CLOCK_EPOCH_NANOS = 1_767_225_600L * 1_000_000_000L;

    private TestEngines() {
    }

    /** A fresh engine without identity or peers. */
    static Engine engine(long seed) {
        return new Engine(EngineConfig.of(PooledByteBufAllocator.DEFAULT,
                AeadImplementation.select("auto").newInstance(), new SeededEntropy(seed), () -> WALL_CLOCK_EPOCH_NANOS));
    }

    /** A deterministic private key: clamped bytes derived from {@code seed}. */
    static byte[] privateKey(long seed) {
        byte[] random = new byte[32];
        new SplittableRandom(seed).nextBytes(random);
        return X25519.privateKeyFrom(random);
    }

    /** The public key of {@link #privateKey(long)}. */
    static byte[] publicKey(long seed) {
        return X25519.publicKey(privateKey(seed));
    }

    /** {@link #publicKey(long)} as 64 lowercase hex digits. */
    static String publicHex(long seed) {
        return UapiValues.formatKey(publicKey(seed));
    }

    /** {@link #privateKey(long)} as 64 lowercase hex digits. */
    static String privateHex(long seed) {
        return UapiValues.formatKey(privateKey(seed));
    }

    /** {@link #publicKey(long)} as a {@link WgKey}. */
    static WgKey publicWgKey(long seed) {
        return WgKey.of(publicKey(seed));
    }
}
