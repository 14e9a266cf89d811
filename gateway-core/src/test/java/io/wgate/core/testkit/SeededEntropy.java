package io.wgate.core.testkit;

import io.wgate.core.Entropy;
import java.util.SplittableRandom;

/** Deterministic {@link Entropy} for tests: the same seed gives the same protocol run. */
public final class SeededEntropy implements Entropy {

    private final SplittableRandom random;

    public SeededEntropy(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void nextBytes(byte[] out) {
        random.nextBytes(out);
    }

    @Override
    public int nextInt() {
        return random.nextInt();
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
