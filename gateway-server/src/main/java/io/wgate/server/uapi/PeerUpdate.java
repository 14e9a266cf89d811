package io.wgate.server.uapi;

import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One peer section of a {@code set} request: the lines from a {@code public_key} up to the next one.
 * Absent fields leave the peer's setting unchanged.
 *
 * <p>wireguard-go applies a section line by line; the net effect, which is what this record keeps, is:
 * with {@code remove}, the peer is removed (lines before it do not matter, lines after it are validated
 * and ignored); with {@code update_only}, nothing happens when the peer does not exist; otherwise the
 * peer is created if missing and the fields are applied.
 *
 * @param publicKey        the peer's public key
 * @param line             line number of the {@code public_key} line within the request (for messages)
 * @param updateOnly       {@code update_only=true}: never create the peer
 * @param remove           {@code remove=true}: delete the peer
 * @param presharedKey     new preshared key; an all-zero key removes it
 * @param endpoint         new endpoint
 * @param persistentKeepaliveSeconds new persistent keepalive interval, 0 = off
 * @param allowedIps       allowed-IP changes in request order
 */
public record PeerUpdate(WgKey publicKey, int line, boolean updateOnly, boolean remove,
                         Optional<WgKey> presharedKey, Optional<InetSocketAddress> endpoint,
                         OptionalInt persistentKeepaliveSeconds, List<AllowedIpChange> allowedIps) {

    /** Copies the list; checks for nulls and the interval range. */
    public PeerUpdate {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(persistentKeepaliveSeconds, "persistentKeepaliveSeconds");
        allowedIps = List.copyOf(allowedIps);
        if (persistentKeepaliveSeconds.isPresent()
                && (persistentKeepaliveSeconds.getAsInt() < 0 || persistentKeepaliveSeconds.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException("persistent keepalive must be 0..65535 seconds");
        }
    }
}
