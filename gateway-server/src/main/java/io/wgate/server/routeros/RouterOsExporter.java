package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.InterfaceConfig;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.RouteTable;
import io.wgate.server.config.WgQuickConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A wg-quick configuration as RouterOS v7 commands, in the property style of current releases
 * ({@code endpoint-address}/{@code endpoint-port}, peer {@code name}; MikroTik help, "WireGuard"): the
 * {@code /interface wireguard} entry, its {@code peers} and its {@code /ip address} / {@code /ipv6 address} entries.
 * {@link #peerSide} writes what the far end of a one-peer tunnel needs instead.
 */
public final class RouterOsExporter {

    private RouterOsExporter() {
    }

    /** The commands that configure this interface on a MikroTik (they hold the private key). */
    public static String export(WgQuickConfig config) {
        String name = config.interfaceName();
        StringBuilder out = new StringBuilder(1024);
        out.append("# wgate export routeros: ").append(name).append('\n');
        List<String> lost = new ArrayList<>();
        InterfaceConfig i = config.iface();
        if (!i.dnsServers().isEmpty() || !i.dnsSearchDomains().isEmpty()) {
            lost.add("DNS");
        }
        if (i.table().mode() != RouteTable.Mode.AUTO) {
            lost.add("Table (the /ip route entries below stand for Table = auto)");
        }
        if (i.fwMark() != 0) {
            lost.add("FwMark");
        }
        if (!i.hooks().isEmpty()) {
            lost.add("PreUp/PostUp/PreDown/PostDown");
        }
        if (!lost.isEmpty()) {
            out.append("# not exported, no RouterOS equivalent: ").append(String.join(", ", lost)).append('\n');
        }
        out.append("/interface wireguard\n");
        List<String> add = new ArrayList<>();
        add.add("listen-port=" + (config.iface().listenPort() == 0 ? WireguardInterface.DEFAULT_LISTEN_PORT
                : config.iface().listenPort()));
        add.add("mtu=" + config.iface().mtu().orElse(WireguardInterface.DEFAULT_MTU));
        add.add("name=" + RouterOsEscapes.quote(name));
        add.add("private-key=\"" + config.iface().privateKey().toBase64() + "\"");
        out.append("add ").append(String.join(" ", add)).append('\n');
        if (!config.peers().isEmpty()) {
            out.append("/interface wireguard peers\n");
        }
        for (PeerConfig p : config.peers()) {
            List<String> peer = new ArrayList<>();
            peer.add("allowed-address=" + prefixes(p.allowedIps()));
            p.endpoint().ifPresent(e -> {
                peer.add("endpoint-address=" + e.host());
                peer.add("endpoint-port=" + e.port());
            });
            peer.add("interface=" + RouterOsEscapes.quote(name));
            p.name().ifPresent(n -> peer.add("name=" + RouterOsEscapes.quote(n)));
            if (p.persistentKeepaliveSeconds() != 0) {
                peer.add("persistent-keepalive=" + RouterOsDuration.format(p.persistentKeepaliveSeconds()));
            }
            p.presharedKey().ifPresent(k -> peer.add("preshared-key=\"" + k.toBase64() + "\""));
            peer.add("public-key=\"" + p.publicKey().toBase64() + "\"");
            out.append("add ").append(String.join(" ", peer)).append('\n');
        }
        addresses(out, config.iface().addresses(), name);
        routes(out, config, name);
        return out.toString();
    }

    /**
     * The far networks as routes through the interface, as MikroTik's site-to-site example adds them ({@code Table
     * = auto} routes them on Linux); not the tunnel's own subnets (the address routes them) nor a default route
     * (which would take the tunnel's own packets too).
     */
    private static void routes(StringBuilder out, WgQuickConfig config, String name) {
        List<Prefix> own = config.iface().addresses().stream().map(Prefixes::network).toList();
        for (PeerConfig p : config.peers()) {
            for (Prefix prefix : p.allowedIps()) {
                if (own.stream().anyMatch(n -> Prefixes.covers(prefix, n) || Prefixes.covers(n, prefix))) {
                    continue;
                }
                if (prefix.cidr() == 0) {
                    out.append("# ").append(prefix).append(" (a default route through the tunnel) needs routing "
                            + "rules on RouterOS; not exported\n");
                    continue;
                }
                out.append(prefix.isIpv4() ? "/ip route" : "/ipv6 route").append(" add dst-address=").append(prefix)
                        .append(" gateway=").append(RouterOsEscapes.quote(name)).append('\n');
            }
        }
    }

    /**
     * What the far end of a tunnel with one peer needs: an interface (RouterOS makes its key: give its public key to
     * this side), this gateway as its peer with this side's tunnel networks, and its tunnel address when this side's
     * AllowedIPs name it as a host.
     *
     * @throws IllegalArgumentException when the configuration has not exactly one peer
     */
    public static String peerSide(WgQuickConfig config) {
        if (config.peers().size() != 1) {
            throw new IllegalArgumentException(config.interfaceName() + " has " + config.peers().size()
                    + " peers; --peer-side needs a tunnel with exactly one");
        }
        PeerConfig far = config.peers().getFirst();
        String name = "wg-" + config.interfaceName();
        if (name.length() > 15) {
            name = name.substring(0, 15);
        }
        StringBuilder out = new StringBuilder(1024);
        out.append("# wgate export routeros --peer-side: the far end of ").append(config.interfaceName()).append('\n');
        out.append("# RouterOS makes the private key; put the output of\n#   :put [/interface wireguard get ")
                .append(name).append(" public-key]\n# into the PublicKey of the [Peer] in ")
                .append(config.interfaceName()).append(".conf\n");
        out.append("/interface wireguard\n");
        int port = far.endpoint().map(e -> e.port()).orElse(WireguardInterface.DEFAULT_LISTEN_PORT);
        out.append("add listen-port=").append(port).append(" mtu=")
                .append(config.iface().mtu().orElse(WireguardInterface.DEFAULT_MTU)).append(" name=").append(name)
                .append('\n');
        List<String> peer = new ArrayList<>();
        List<Prefix> ours = config.iface().addresses().stream().map(Prefixes::network).distinct().toList();
        peer.add("allowed-address=" + prefixes(ours));
        if (config.iface().listenPort() != 0) {
            out.append("# add endpoint-address=<this gateway's public address> endpoint-port=")
                    .append(config.iface().listenPort()).append(" to the peer")
                    .append(far.endpoint().isEmpty() ? " (this side cannot call the far end)\n" : "\n");
        }
        peer.add("interface=" + name);
        peer.add("name=" + RouterOsEscapes.quote(config.interfaceName()));
        if (far.endpoint().isEmpty()) {
            // This side cannot reach the far end: the far end calls, from behind NAT, and keeps the mapping open.
            peer.add("persistent-keepalive=25s");
        }
        far.presharedKey().ifPresent(k -> peer.add("preshared-key=\"" + k.toBase64() + "\""));
        peer.add("public-key=\"" + config.iface().privateKey().publicKey().toBase64() + "\"");
        out.append("# add this office's LAN prefixes to allowed-address\n");
        out.append("/interface wireguard peers\nadd ").append(String.join(" ", peer)).append('\n');
        List<InterfaceAddress> farAddresses = new ArrayList<>();
        for (InterfaceAddress own : config.iface().addresses()) {
            Prefix network = Prefixes.network(own);
            far.allowedIps().stream().filter(a -> a.cidr() == a.address().length * 8 && Prefixes.covers(network, a))
                    .findFirst().ifPresent(a -> farAddresses.add(InterfaceAddress.parse(
                            a.toString().substring(0, a.toString().indexOf('/')) + "/" + own.prefixLength())));
        }
        if (farAddresses.isEmpty()) {
            out.append("# /ip address add address=<the far end's tunnel address, in ").append(ours.isEmpty() ? "?"
                    : ours.getFirst()).append("> interface=").append(name).append('\n');
        }
        addresses(out, farAddresses, name);
        return out.toString();
    }

    private static void addresses(StringBuilder out, List<InterfaceAddress> addresses, String name) {
        for (boolean v6 : new boolean[] {false, true}) {
            List<InterfaceAddress> some = addresses.stream().filter(a -> a.isIpv6() == v6).toList();
            if (some.isEmpty()) {
                continue;
            }
            out.append(v6 ? "/ipv6 address\n" : "/ip address\n");
            for (InterfaceAddress a : some) {
                out.append("add address=").append(a).append(" interface=").append(RouterOsEscapes.quote(name));
                if (!v6) {
                    String network = Prefixes.network(a).toString();
                    out.append(" network=").append(network, 0, network.indexOf('/'));
                }
                out.append('\n');
            }
        }
    }

    private static String prefixes(List<Prefix> prefixes) {
        return prefixes.stream().map(Prefix::toString).collect(Collectors.joining(","));
    }
}
