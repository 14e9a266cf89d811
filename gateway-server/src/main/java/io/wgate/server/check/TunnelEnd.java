package io.wgate.server.check;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One end of a tunnel as {@code wgate check} compares it, read from a wg-quick file or a RouterOS export. Lines are
 * looked up by wg-quick key name ({@code AllowedIPs}); {@link #key} gives the name the file itself uses.
 *
 * @param file       the file as given
 * @param name       the interface name
 * @param routerOs   whether the file is a RouterOS export (keys are then RouterOS property names)
 * @param publicKey  this end's public key, empty when the file does not show it (a RouterOS export without keys)
 * @param listenPort the UDP port, 0 when not fixed
 * @param addresses  the tunnel addresses
 * @param mtu        an MTU the file fixes; empty when computed (wg-quick's default)
 * @param lans       the networks of this router's other interfaces, when the file shows them (RouterOS)
 * @param peers      the peers
 * @param line       the line of the interface ({@code [Interface]}, {@code /interface wireguard add})
 * @param lines      the line of each interface key given
 */
public record TunnelEnd(String file, String name, boolean routerOs, Optional<WgKey> publicKey, int listenPort,
                        List<InterfaceAddress> addresses, OptionalInt mtu, List<Prefix> lans, List<Peer> peers,
                        int line, Map<String, Integer> lines) {

    private static final Map<String, String> ROUTER_OS_NAMES = Map.of("PrivateKey", "private-key", "ListenPort",
            "listen-port", "Address", "address", "MTU", "mtu", "PublicKey", "public-key", "PresharedKey",
            "preshared-key", "AllowedIPs", "allowed-address", "Endpoint", "endpoint-address", "PersistentKeepalive",
            "persistent-keepalive");

    /**
     * A peer of this end.
     *
     * @param publicKey    its public key
     * @param presharedKey its preshared key
     * @param allowedIps   its AllowedIPs
     * @param endpoint     its endpoint
     * @param keepalive    PersistentKeepalive seconds, 0 = off
     * @param name         its friendly name
     * @param line         the line of {@code [Peer]} or of its {@code add}
     * @param lines        the line of each key given
     */
    public record Peer(WgKey publicKey, Optional<WgKey> presharedKey, List<Prefix> allowedIps,
                       Optional<Endpoint> endpoint, int keepalive, Optional<String> name, int line,
                       Map<String, Integer> lines) {

        public Peer {
            allowedIps = List.copyOf(allowedIps);
            lines = Map.copyOf(lines);
        }

        /** The line of a key, the peer's line when it is not given. */
        public int lineOf(String key) {
            return lines.getOrDefault(key, line);
        }

        /** The friendly name, or where the peer is. */
        public String label() {
            return name.map(Redaction::value).orElse("on line " + line);
        }
    }

    public TunnelEnd {
        addresses = List.copyOf(addresses);
        lans = List.copyOf(lans);
        peers = List.copyOf(peers);
        lines = Map.copyOf(lines);
    }

    /** The line of an interface key, the interface's line when it is not given. */
    public int lineOf(String key) {
        return lines.getOrDefault(key, line);
    }

    /** The name this file uses for a wg-quick key. */
    public String key(String wgQuickKey) {
        return routerOs ? ROUTER_OS_NAMES.getOrDefault(wgQuickKey, wgQuickKey) : wgQuickKey;
    }

    /** {@code FILE (NAME)}, for messages. */
    public String label() {
        return file + " (" + name + ")";
    }
}
