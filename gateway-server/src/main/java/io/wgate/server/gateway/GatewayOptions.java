package io.wgate.server.gateway;

import java.util.Objects;

/**
 * How to run a gateway, beyond its wg-quick configuration.
 *
 * @param transport      UDP transport (epoll by default)
 * @param aead           ChaCha20-Poly1305 implementation: {@code auto}, {@code openssl} or {@code jdk}
 * @param endpointRetries DNS attempts per endpoint host name before giving up (wg's
 *                        {@code WG_ENDPOINT_RESOLUTION_RETRIES}, default 15)
 */
public record GatewayOptions(TransportKind transport, String aead, int endpointRetries) {

    public GatewayOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(aead, "aead");
        if (endpointRetries < 1) {
            throw new IllegalArgumentException("endpointRetries must be at least 1, got " + endpointRetries);
        }
    }

    /** epoll, automatic AEAD choice, 15 DNS attempts. */
    public static GatewayOptions defaults() {
        return new GatewayOptions(TransportKind.EPOLL, "auto", 15);
    }

    public GatewayOptions withTransport(TransportKind kind) {
        return new GatewayOptions(kind, aead, endpointRetries);
    }

    public GatewayOptions withAead(String option) {
        return new GatewayOptions(transport, option, endpointRetries);
    }

    public GatewayOptions withEndpointRetries(int retries) {
        return new GatewayOptions(transport, aead, retries);
    }
}
