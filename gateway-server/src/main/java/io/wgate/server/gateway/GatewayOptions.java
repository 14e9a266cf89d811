package io.wgate.server.gateway;

import java.util.Objects;

/**
 * How to run a gateway, beyond its wg-quick configuration.
 *
 * @param transport      UDP transport (epoll by default)
 * @param aead           ChaCha20-Poly1305 implementation: {@code auto}, {@code openssl} or {@code jdk}
 * @param endpointRetries DNS attempts per endpoint host name before giving up (wg's
 *                        {@code WG_ENDPOINT_RESOLUTION_RETRIES}, default 15)
 * @param offloads       the batching offloads the gateway may use (all by default, each probed)
 */
public record GatewayOptions(TransportKind transport, String aead, int endpointRetries, Offloads offloads) {

    public GatewayOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(aead, "aead");
        Objects.requireNonNull(offloads, "offloads");
        if (endpointRetries < 1) {
            throw new IllegalArgumentException("endpointRetries must be at least 1, got " + endpointRetries);
        }
    }

    /** epoll, automatic AEAD choice, 15 DNS attempts, every offload. */
    public static GatewayOptions defaults() {
        return new GatewayOptions(TransportKind.EPOLL, "auto", 15, Offloads.ALL);
    }

    public GatewayOptions withTransport(TransportKind kind) {
        return new GatewayOptions(kind, aead, endpointRetries, offloads);
    }

    public GatewayOptions withAead(String option) {
        return new GatewayOptions(transport, option, endpointRetries, offloads);
    }

    public GatewayOptions withEndpointRetries(int retries) {
        return new GatewayOptions(transport, aead, retries, offloads);
    }

    public GatewayOptions withOffloads(Offloads chosen) {
        return new GatewayOptions(transport, aead, endpointRetries, chosen);
    }
}
