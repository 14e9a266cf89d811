package io.wgate.core;

/**
 * Randomness injected into the sans-IO core: ephemeral keys, receiver indices, cookie secrets and
 * nonces, timer jitter. Production passes a {@link java.security.SecureRandom}-backed source; tests pass
 * a seeded generator so every protocol run is reproducible.
 */
public interface Entropy {

    /** Fills {@code out} with random bytes. */
    void nextBytes(byte[] out);

    /** A uniformly random 32-bit value. */
    int nextInt();

    /**
     * A uniformly random value in {@code [0, bound)}; {@code bound} must be positive. Used for timer jitter only, on
     * the data path: it must be cheap and need not be unpredictable.
     */
    int nextInt(int bound);
}
