package io.wgate.crypto;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The available {@link ChaCha20Poly1305} implementations, chosen once at start-up with
 * {@link #select(String)}. Each implementation is probed on first use (library load plus the
 * RFC 8439 §2.8.2 self-test), and the outcome is cached for the life of the JVM.
 */
public enum AeadImplementation {
    /** OpenSSL 3 libcrypto through the FFM API: zero-copy, fastest. Needs {@code libcrypto.so.3}. */
    OPENSSL,
    /** {@code javax.crypto} "ChaCha20-Poly1305": always present on JDK 11+, slower. */
    JDK;

    /** The option values accepted by {@link #select(String)}. */
    public static final String VALID_OPTIONS = "auto, openssl, jdk";

    private static final System.Logger LOG = System.getLogger(AeadImplementation.class.getName());

    /** True if this implementation loaded and passed its self-test. */
    public boolean isAvailable() {
        return status().unavailableReason() == null;
    }

    /** Why this implementation is unavailable (missing library, missing symbol, self-test mismatch); null when available. */
    public String unavailableReason() {
        return status().unavailableReason();
    }

    /**
     * A new instance, owned by the caller (close it).
     *
     * @throws IllegalStateException with the reason when unavailable
     */
    public ChaCha20Poly1305 newInstance() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(this + " ChaCha20-Poly1305 is unavailable: " + reason);
        }
        return create();
    }

    /**
     * Chooses the implementation for {@code option}: "auto" (OpenSSL if available, else JDK),
     * "openssl" (fails if OpenSSL is unavailable), "jdk". Case and surrounding blanks are ignored.
     * Logs one INFO line naming the active implementation and why.
     *
     * @throws IllegalArgumentException for any other option, naming the valid values
     * @throws IllegalStateException if the requested implementation is unavailable
     */
    public static AeadImplementation select(String option) {
        String normalized = option == null ? "" : option.strip().toLowerCase(Locale.ROOT);
        AeadImplementation chosen;
        String why;
        switch (normalized) {
            case "auto" -> {
                if (OPENSSL.isAvailable()) {
                    chosen = OPENSSL;
                    why = "option auto, OpenSSL available";
                } else {
                    chosen = JDK;
                    why = "option auto, falling back to the JDK because OpenSSL is unavailable: "
                            + OPENSSL.unavailableReason();
                }
            }
            case "openssl" -> {
                chosen = OPENSSL;
                why = "option openssl";
            }
            case "jdk" -> {
                chosen = JDK;
                why = "option jdk";
            }
            default -> throw new IllegalArgumentException("unknown ChaCha20-Poly1305 implementation '" + option
                    + "': valid values are " + VALID_OPTIONS);
        }
        String reason = chosen.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("ChaCha20-Poly1305 implementation '" + normalized
                    + "' requested but " + chosen + " is unavailable: " + reason);
        }
        LOG.log(Level.INFO, "ChaCha20-Poly1305 implementation: {0} ({1})", chosen.status().name(), why);
        return chosen;
    }

    private ChaCha20Poly1305 create() {
        return switch (this) {
            case OPENSSL -> new OpenSslChaCha20Poly1305();
            case JDK -> new JdkChaCha20Poly1305();
        };
    }

    private Status status() {
        return switch (this) {
            case OPENSSL -> OpenSslStatus.STATUS;
            case JDK -> JdkStatus.STATUS;
        };
    }

    /** Probe outcome: the instance name, or why it is unavailable. */
    private record Status(String name, String unavailableReason) {
    }

    private static Status probe(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = implementation.create()) {
            String mismatch = AeadSelfTest.check(aead);
            return new Status(aead.name(), mismatch == null ? null
                    : "self-test against RFC 8439 §2.8.2 failed: " + mismatch);
        } catch (RuntimeException | LinkageError e) {
            return new Status(implementation.toString(), e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /** Lazily probed on first access (class initialisation is thread-safe and runs once). */
    private static final class OpenSslStatus {
        static final Status STATUS = LibCrypto.LOAD_FAILURE != null
                ? new Status("OpenSSL", LibCrypto.LOAD_FAILURE)
                : probe(OPENSSL);
    }

    private static final class JdkStatus {
        static final Status STATUS = probe(JDK);
    }
}
