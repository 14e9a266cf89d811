package io.wgate.metrics;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One peer as a scrape sees it, copied on the engine's event loop.
 *
 * @param publicKey               the peer's public key in base64, as {@code wg show} prints it
 * @param friendlyName            the name from the peer's comment in the configuration, or null
 * @param allowedIps              its AllowedIPs in the engine's order, as {@code address/length}
 * @param endpoint                where it is sent to now (configured or roamed), or null
 * @param rxBytes                 UDP payload bytes received from it (handshakes included, as {@code wg show})
 * @param txBytes                 UDP payload bytes sent to it
 * @param rxPackets               datagrams received from it
 * @param txPackets               datagrams sent to it
 * @param lastHandshakeEpochNanos wall-clock time of its latest completed handshake, 0 if none
 * @param keypairAgeNanos         age of the session it is sent with now, -1 if none
 * @param stagedPackets           packets waiting for a session
 */
public record PeerSnapshot(String publicKey, String friendlyName, List<String> allowedIps, InetSocketAddress endpoint,
                           long rxBytes, long txBytes, long rxPackets, long txPackets, long lastHandshakeEpochNanos,
                           long keypairAgeNanos, int stagedPackets) {

    public PeerSnapshot {
        Objects.requireNonNull(publicKey, "publicKey");
        allowedIps = List.copyOf(allowedIps);
    }

    /** The latest handshake as whole UNIX seconds, 0 if none ({@code wg show dump}'s latest-handshake). */
    public long lastHandshakeEpochSeconds() {
        return Math.floorDiv(lastHandshakeEpochNanos, 1_000_000_000L);
    }
}
