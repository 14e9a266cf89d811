package io.wgate.server.gateway;

import io.wgate.core.Entropy;
import java.security.SecureRandom;

/**
 * The production {@link Entropy}: the platform's {@link SecureRandom} (the kernel's getrandom on
 * Linux). Used for keys, indices and cookie secrets; jitter comes from the same source.
 */
public final class SystemEntropy implements Entropy {

    private final SecureRandom random = new SecureRandom();

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
