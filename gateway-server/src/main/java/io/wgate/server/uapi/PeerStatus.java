package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One peer as a UAPI daemon reported it in answer to {@code get=1}. Immutable; keys print as
 * {@code (hidden)}.
 *
 * @param publicKey                  the peer's public key
 * @param presharedKey               the preshared key, empty when none (all zero on the wire)
 * @param endpoint                   where the daemon sends to, empty when unknown
 * @param lastHandshakeEpochSeconds  wall-clock time of the latest handshake, seconds part; 0 = never
 * @param lastHandshakeNanos         nanoseconds part of that time
 * @param rxBytes                    bytes received from the peer (unsigned)
 * @param txBytes                    bytes sent to the peer (unsigned)
 * @param persistentKeepaliveSeconds persistent keepalive interval, 0 = off
 * @param allowedIps                 the peer's prefixes, in the daemon's order
 */
public record PeerStatus(WgKey publicKey, Optional<WgKey> presharedKey, Optional<InetSocketAddress> endpoint,
                         long lastHandshakeEpochSeconds, long lastHandshakeNanos, long rxBytes, long txBytes,
                         int persistentKeepaliveSeconds, List<Prefix> allowedIps) {

    /** Copies the list; checks for nulls. */
    public PeerStatus {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        Objects.requireNonNull(endpoint, "endpoint");
        allowedIps = List.copyOf(allowedIps);
    }

    /** Whether a handshake ever completed (either part of the time is non-zero). */
    public boolean hasHandshake() {
        return lastHandshakeEpochSeconds != 0 || lastHandshakeNanos != 0;
    }
}
