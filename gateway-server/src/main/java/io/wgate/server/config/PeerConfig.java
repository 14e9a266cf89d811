package io.wgate.server.config;

import io.wgate.core.route.Prefix;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code [Peer]} section.
 *
 * @param publicKey                  the peer's static public key (required)
 * @param presharedKey               optional symmetric key mixed into the handshake
 * @param allowedIps                 prefixes routed to and accepted from this peer, masked, in file order,
 *                                   without duplicates
 * @param endpoint                   where to send the first handshake; host unresolved
 * @param persistentKeepaliveSeconds 1..65535, or 0 = off
 * @param name                       optional friendly name from a comment ({@code # Satellite} right after
 *                                   {@code [Peer]}, or {@code # Name = Satellite} anywhere in the section)
 */
public record PeerConfig(
        WgKey publicKey,
        Optional<WgKey> presharedKey,
        List<Prefix> allowedIps,
        Optional<Endpoint> endpoint,
        int persistentKeepaliveSeconds,
        Optional<String> name) {

    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        allowedIps = List.copyOf(allowedIps);
        Objects.requireNonNull(endpoint, "endpoint");
        if (persistentKeepaliveSeconds < 0 || persistentKeepaliveSeconds > 65535) {
            throw new IllegalArgumentException("persistentKeepaliveSeconds " + persistentKeepaliveSeconds
                    + " is not in 0..65535");
        }
        Objects.requireNonNull(name, "name");
    }

    /**
     * The public key in full (it is public, and {@code wg show} prints it the same way); the preshared
     * key, if any, shows as {@code (hidden)}.
     */
    @Override
    public String toString() {
        return "PeerConfig[publicKey=" + publicKey.toBase64()
                + ", presharedKey=" + (presharedKey.isPresent() ? "(hidden)" : "none")
                + ", allowedIps=" + allowedIps + ", endpoint=" + endpoint.map(Endpoint::toString).orElse("none")
                + ", persistentKeepaliveSeconds=" + persistentKeepaliveSeconds
                + ", name=" + name.orElse("") + "]";
    }
}
