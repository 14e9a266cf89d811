package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A RouterOS {@code /interface wireguard} entry with what belongs to it elsewhere in the export: its peers, its
 * {@code /ip address} and {@code /ipv6 address} entries and the {@code /ip route} entries through it.
 *
 * @param line       the line of its {@code add} command
 * @param name       {@code name} ({@code wireguard1} when absent, as RouterOS names it)
 * @param privateKey {@code private-key}; empty when the export hid it (exports show it only with
 *                   {@code show-sensitive})
 * @param publicKey  the public key: derived from the private key, or the read-only {@code public-key} if given
 * @param listenPort {@code listen-port}, RouterOS's default 13231 when absent
 * @param mtu        {@code mtu}, RouterOS's default 1420 when absent
 * @param comment    {@code comment}
 * @param addresses  the tunnel addresses
 * @param routes     the routes whose gateway is this interface or an address in its subnet
 * @param peers      its enabled peers, in file order
 * @param lines      the line of each property given, and of {@code address} (its first address entry)
 */
public record WireguardInterface(int line, String name, Optional<WgKey> privateKey, Optional<WgKey> publicKey,
                                 int listenPort, int mtu, Optional<String> comment, List<InterfaceAddress> addresses,
                                 List<Route> routes, List<WireguardPeer> peers, Map<String, Integer> lines) {

    /** RouterOS's default {@code listen-port}. */
    public static final int DEFAULT_LISTEN_PORT = 13231;
    /** RouterOS's default {@code mtu}. */
    public static final int DEFAULT_MTU = 1420;

    /**
     * A route through the interface.
     *
     * @param line        its line
     * @param destination {@code dst-address}
     * @param gateway     {@code gateway} as written
     */
    public record Route(int line, Prefix destination, String gateway) {
    }

    public WireguardInterface {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        peers = List.copyOf(peers);
        lines = Map.copyOf(lines);
    }

    /** The line of a property, or the interface's line when it was not given. */
    public int lineOf(String property) {
        return lines.getOrDefault(property, line);
    }

    /** Never key material. */
    @Override
    public String toString() {
        return "WireguardInterface[line=" + line + ", name=" + name + ", privateKey="
                + (privateKey.isPresent() ? "(hidden)" : "none") + ", listenPort=" + listenPort + ", mtu=" + mtu
                + ", addresses=" + addresses + ", routes=" + routes + ", peers=" + peers + "]";
    }
}
