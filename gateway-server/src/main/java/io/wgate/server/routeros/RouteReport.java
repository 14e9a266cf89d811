package io.wgate.server.routeros;

import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.IpLiteral;
import io.wgate.server.config.Redaction;
import java.util.List;
import java.util.Optional;

/**
 * The {@code /ip route} entries through a WireGuard interface. With wg-quick's {@code Table = auto} the gateway
 * routes every AllowedIPs prefix into the tunnel itself, so such a route needs no line of its own when some peer's
 * {@code allowed-address} covers it; one that none covers is a mistake (RouterOS sends the packets, and the peer
 * lookup drops them).
 */
final class RouteReport {

    private RouteReport() {
    }

    /**
     * Whether a {@code gateway} value names the interface ({@code wg1}, {@code 172.16.1.2%wg1}) or an address inside
     * one of its subnets.
     */
    static boolean through(String gateway, String interfaceName, List<InterfaceAddress> addresses) {
        for (String g : gateway.split(",")) {
            String item = g.strip();
            int percent = item.indexOf('%');
            if (item.equals(interfaceName) || percent >= 0 && item.substring(percent + 1).equals(interfaceName)) {
                return true;
            }
            var address = IpLiteral.parse(percent >= 0 ? item.substring(0, percent) : item);
            if (address.isPresent()) {
                for (InterfaceAddress own : addresses) {
                    if (Prefixes.contains(Prefixes.network(own), address.get().getAddress())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Notes each route covered by a peer, warns about each that none covers. */
    static void check(String file, WireguardInterface wg, List<ConfigWarning> warnings, List<String> notes) {
        for (WireguardInterface.Route route : wg.routes()) {
            Optional<WireguardPeer> peer = wg.peers().stream()
                    .filter(p -> Prefixes.anyCovers(p.allowedIps(), route.destination())).findFirst();
            if (peer.isPresent()) {
                notes.add(file + ":" + route.line() + ": route " + route.destination() + " via "
                        + Redaction.value(wg.name()) + ": covered by the AllowedIPs of peer " + peer.get().name()
                        .map(Redaction::value).orElse("on line " + peer.get().line()) + " (Table = auto routes it)");
            } else {
                warnings.add(new ConfigWarning(file, route.line(), "dst-address", "the route to "
                        + route.destination() + " goes through " + Redaction.value(wg.name())
                        + ", but no peer's allowed-address "
                        + "covers it, so its packets are dropped; add it to the allowed-address of the peer behind "
                        + "which that network lies"));
            }
        }
    }
}
