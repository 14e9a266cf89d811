package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Gate for OpenSSL-specific tests: when libcrypto is unavailable they skip with the reason, except
 * under {@code CI=true}, where that is a failure (CI images ship libssl3).
 */
final class OpenSslRequirement {
    private OpenSslRequirement() {
    }

    static void require() {
        if (AeadImplementation.OPENSSL.isAvailable()) {
            return;
        }
        String reason = "OpenSSL ChaCha20-Poly1305 unavailable: " + AeadImplementation.OPENSSL.unavailableReason();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " (CI=true: OpenSSL tests must run, not skip)");
        }
        Assumptions.abort(reason);
    }

    /** A new instance of {@code implementation}, after the OpenSSL gate when it applies. */
    static ChaCha20Poly1305 newInstance(AeadImplementation implementation) {
        if (implementation == AeadImplementation.OPENSSL) {
            require();
        }
        return implementation.newInstance();
    }
}
