package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A RouterOS {@code /interface wireguard peers} entry, as far as wg-quick has a place for it (MikroTik help,
 * "WireGuard", peer properties).
 *
 * @param line              the line of its {@code add} command
 * @param publicKey         {@code public-key}
 * @param presharedKey      {@code preshared-key}
 * @param allowedIps        {@code allowed-address}, masked
 * @param endpoint          {@code endpoint-address} and {@code endpoint-port} (or the early v7 {@code endpoint})
 * @param keepaliveSeconds  {@code persistent-keepalive} in seconds, 0 = off
 * @param name              {@code name}, else {@code comment}
 * @param lines             the line of each property given
 */
public record WireguardPeer(int line, WgKey publicKey, Optional<WgKey> presharedKey, List<Prefix> allowedIps,
                            Optional<Endpoint> endpoint, int keepaliveSeconds, Optional<String> name,
                            Map<String, Integer> lines) {

    public WireguardPeer {
        allowedIps = List.copyOf(allowedIps);
        lines = Map.copyOf(lines);
    }

    /** The line of a property, or the peer's line when it was not given. */
    public int lineOf(String property) {
        return lines.getOrDefault(property, line);
    }

    /** Public key in full (it is public); the preshared key only as present or not. */
    @Override
    public String toString() {
        return "WireguardPeer[line=" + line + ", publicKey=" + publicKey.toBase64() + ", presharedKey="
                + (presharedKey.isPresent() ? "(hidden)" : "none") + ", allowedIps=" + allowedIps + ", endpoint="
                + endpoint + ", keepaliveSeconds=" + keepaliveSeconds + ", name=" + name + "]";
    }
}
