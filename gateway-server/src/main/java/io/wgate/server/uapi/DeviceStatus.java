package io.wgate.server.uapi;

import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A device as a UAPI daemon (wgate or wireguard-go) reported it in answer to {@code get=1}: what
 * {@code wg show} and {@code wgate show} display. Immutable; keys print as {@code (hidden)}.
 *
 * @param interfaceName the interface (the socket's name without {@code .sock})
 * @param privateKey    the private key, empty when none is set
 * @param publicKey     derived from the private key (the daemon does not send it), empty when none
 * @param listenPort    the bound UDP port, 0 when not reported
 * @param fwmark        the firewall mark (unsigned 32-bit in an int), 0 = off
 * @param peers         the peers in the daemon's order
 */
public record DeviceStatus(String interfaceName, Optional<WgKey> privateKey, Optional<WgKey> publicKey,
                           int listenPort, int fwmark, List<PeerStatus> peers) {

    /** Copies the list; checks for nulls. */
    public DeviceStatus {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        peers = List.copyOf(peers);
    }
}
