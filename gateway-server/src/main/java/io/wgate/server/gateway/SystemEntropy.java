package io.wgate.server.gateway;

import io.wgate.core.Entropy;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The production {@link Entropy}: the platform's {@link SecureRandom} (the kernel's random source on Linux) for
 * keys, indices and cookie secrets; {@link ThreadLocalRandom} for timer jitter, which needs no secrecy (wireguard-go
 * uses the Go runtime's fast generator there too) and is drawn on the data path: a {@code SecureRandom} draw there
 * took a lock and a read of {@code /dev/urandom} for a packet now and then.
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

    /** Jitter: uniform in {@code [0, bound)}, not for secrets. */
    @Override
    public int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
