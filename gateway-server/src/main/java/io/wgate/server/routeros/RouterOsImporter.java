package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Picks the WireGuard configuration out of a RouterOS export: {@code /interface wireguard} and its {@code peers},
 * the {@code /ip address} and {@code /ipv6 address} entries on those interfaces, and the {@code /ip route} and
 * {@code /ipv6 route} entries through them. Everything else (bridges, DHCP, firewall, identity) is counted in one
 * note. Property names and defaults: MikroTik help, "WireGuard" (help.mikrotik.com/docs/spaces/ROS/pages/69664792).
 * Never throws for any text.
 */
public final class RouterOsImporter {

    static final String WG = "interface wireguard";
    static final String PEERS = "interface wireguard peers";
    private static final Set<String> ADDRESSES = Set.of("ip address", "ipv6 address");
    private static final Set<String> ROUTES = Set.of("ip route", "ipv6 route");
    private static final Set<String> WG_MENUS = Set.of(WG, PEERS, "ip address", "ipv6 address", "ip route",
            "ipv6 route");

    private final String file;
    private final List<ConfigWarning> errors = new ArrayList<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, InterfaceBuilder> interfaces = new LinkedHashMap<>();
    private final List<Prefix> lans = new ArrayList<>();
    private final Map<String, Integer> ignored = new TreeMap<>();
    private final List<RouterOsCommand> routes = new ArrayList<>();

    private RouterOsImporter(String file) {
        this.file = file;
    }

    /** Reads an export's text; {@code file} names it in messages. */
    public static RouterOsConfig read(String file, String text) {
        RouterOsImporter importer = new RouterOsImporter(file);
        RouterOsScript script = RouterOsScript.parse(text);
        for (RouterOsScript.Malformed bad : script.malformed()) {
            ConfigWarning message = new ConfigWarning(file, bad.line(), bad.property(), bad.detail());
            (WG_MENUS.contains(bad.path()) ? importer.errors : importer.warnings).add(message);
        }
        return importer.build(script.commands());
    }

    private RouterOsConfig build(List<RouterOsCommand> commands) {
        for (RouterOsCommand c : commands) {
            if (c.path().equals(WG)) {
                wireguard(c);
            }
        }
        for (RouterOsCommand c : commands) {
            if (c.path().equals(PEERS)) {
                peer(c);
            } else if (ADDRESSES.contains(c.path())) {
                address(c);
            } else if (ROUTES.contains(c.path())) {
                if (onlyAdd(c)) {
                    routes.add(c);
                }
            } else if (!c.path().equals(WG)) {
                ignored.merge(PropertyReader.isMenuPath(c.path()) ? "/" + c.path() : "(menus not shown)", 1,
                        Integer::sum);
            }
        }
        for (RouterOsCommand c : routes) {
            route(c);
        }
        if (!ignored.isEmpty()) {
            int total = ignored.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder line = new StringBuilder("left out ").append(total)
                    .append(total == 1 ? " command" : " commands")
                    .append(" with no wg-quick equivalent:");
            ignored.forEach((menu, n) -> line.append(' ').append(menu).append(" (").append(n).append("),"));
            line.setLength(line.length() - 1);
            notes.add(line.toString());
        }
        List<WireguardInterface> built = new ArrayList<>();
        for (InterfaceBuilder b : interfaces.values()) {
            if (b.disabled) {
                warnings.add(new ConfigWarning(file, b.line, "disabled", "the WireGuard interface "
                        + Redaction.value(b.name) + " is disabled (disabled=yes); left out"));
            } else {
                built.add(b.build());
                RouteReport.check(file, built.getLast(), warnings, notes);
            }
        }
        if (built.isEmpty() && errors.isEmpty()) {
            errors.add(new ConfigWarning(file, 0, null, "no enabled /interface wireguard entry; is this a RouterOS "
                    + "v7 export ('/export' or '/export terse' on the router)?"));
        }
        errors.sort(Comparator.comparingInt(ConfigWarning::line));
        warnings.sort(Comparator.comparingInt(ConfigWarning::line));
        return new RouterOsConfig(file, built, lans, errors, warnings, notes);
    }

    private boolean onlyAdd(RouterOsCommand c) {
        if (c.verb().equals("add")) {
            return true;
        }
        warnings.add(new ConfigWarning(file, c.line(), null, "'" + c.verb() + "' in " + PropertyReader.menu(c.path())
                + " is not applied by the import (only 'add' is); check the result by hand"));
        return false;
    }

    private void wireguard(RouterOsCommand c) {
        InterfaceBuilder target;
        if (c.verb().equals("add")) {
            String name = c.get("name").orElse("wireguard" + (interfaces.size() + 1));
            target = new InterfaceBuilder(c.line(), name);
            if (interfaces.putIfAbsent(name, target) != null) {
                errors.add(new ConfigWarning(file, c.lineOf("name"), "name", "a second WireGuard interface named "
                        + Redaction.value(name) + "; interface names are unique"));
                return;
            }
        } else if (c.verb().equals("set")) {
            String name = c.find().getOrDefault("name", c.positional().isEmpty() ? "" : c.positional().getFirst());
            target = interfaces.get(name);
            if (target == null) {
                warnings.add(new ConfigWarning(file, c.line(), null, "'set' of a WireGuard interface that is not added "
                        + "earlier in the export (" + Redaction.value(name) + "); left out"));
                return;
            }
        } else {
            onlyAdd(c);
            return;
        }
        target.apply(c, new PropertyReader(file, c, errors, warnings));
    }

    private void peer(RouterOsCommand c) {
        if (!onlyAdd(c)) {
            return;
        }
        PropertyReader in = new PropertyReader(file, c, errors, warnings);
        Optional<WireguardPeer> peer = PeerReader.read(in, c);
        if (peer.isEmpty()) {
            return;
        }
        String owner = c.get("interface").orElse("");
        InterfaceBuilder iface = interfaces.get(owner);
        if (c.disabled()) {
            warnings.add(new ConfigWarning(file, c.line(), "disabled", "the peer " + peer.get().name()
                    .map(Redaction::value).orElse("on line " + c.line()) + " is disabled (disabled=yes); left out"));
        } else if (iface == null) {
            warnings.add(new ConfigWarning(file, c.lineOf("interface"), "interface", "the peer belongs to "
                    + Redaction.value(owner) + ", which is no WireGuard interface of this export; left out"));
        } else {
            WgKey key = peer.get().publicKey();
            Optional<WireguardPeer> twin = iface.peers.stream().filter(p -> p.publicKey().equals(key)).findFirst();
            if (twin.isPresent()) {
                errors.add(new ConfigWarning(file, c.lineOf("public-key"), "public-key", "the same key as the peer on "
                        + "line " + twin.get().line() + " of " + Redaction.value(owner)
                        + "; each peer may appear once"));
            } else if (iface.privateKey.map(k -> k.publicKey().equals(key)).orElse(false)) {
                errors.add(new ConfigWarning(file, c.lineOf("public-key"), "public-key", "the public key of "
                        + Redaction.value(owner) + " itself; a peer has the other side's key"));
            } else {
                iface.peers.add(peer.get());
            }
        }
    }

    private void address(RouterOsCommand c) {
        if (!onlyAdd(c) || c.disabled()) {
            return;
        }
        String value = c.get("address").orElse("");
        InterfaceAddress address;
        try {
            address = InterfaceAddress.parse(value);
        } catch (IllegalArgumentException e) {
            InterfaceBuilder wg = interfaces.get(c.get("interface").orElse(""));
            (wg != null ? errors : warnings).add(new ConfigWarning(file, c.lineOf("address"), "address",
                    "not an address with a prefix length: " + PropertyReader.rejected(value, e,
                            "is not an IP address")));
            return;
        }
        InterfaceBuilder wg = interfaces.get(c.get("interface").orElse(""));
        if (wg == null) {
            lans.add(new Prefix(address.address().getAddress(), address.prefixLength()));
            return;
        }
        for (String p : c.properties().keySet()) {
            if (!Set.of("address", "interface", "network", "disabled", "comment", "advertise", "eui-64", "no-dad")
                    .contains(p)) {
                boolean shown = PropertyReader.isPropertyName(p);
                warnings.add(new ConfigWarning(file, c.lineOf(p), shown ? p : null, (shown ? "" : "a property "
                        + Redaction.name(p) + ": ") + "not imported (no wg-quick equivalent)"));
            }
        }
        if (wg.addresses.stream().anyMatch(a -> a.address().equals(address.address()))) {
            errors.add(new ConfigWarning(file, c.lineOf("address"), "address", "the interface has this address "
                    + "already (another entry of the same address); keep one"));
            return;
        }
        wg.lines.putIfAbsent("address", c.lineOf("address"));
        wg.addresses.add(address);
    }

    private void route(RouterOsCommand c) {
        if (c.disabled()) {
            return;
        }
        boolean v6 = c.path().startsWith("ipv6");
        String dst = c.get("dst-address").orElse(v6 ? "::/0" : "0.0.0.0/0");
        String gateway = c.get("gateway").orElse("");
        for (InterfaceBuilder wg : interfaces.values()) {
            if (RouteReport.through(gateway, wg.name, wg.addresses)) {
                try {
                    wg.routes.add(new WireguardInterface.Route(c.line(), Prefix.parse(dst), gateway));
                } catch (IllegalArgumentException e) {
                    errors.add(new ConfigWarning(file, c.lineOf("dst-address"), "dst-address",
                            PropertyReader.rejected(dst, e, "is not an IPv4 or IPv6 prefix")));
                }
                c.get("routing-table").filter(t -> !t.equals("main")).ifPresent(t -> notes.add(file + ":" + c.line()
                        + ": the route is in routing table " + Redaction.value(t) + "; wg-quick's Table = auto uses"
                        + " the main table"));
                return;
            }
        }
        ignored.merge("/" + c.path() + " (not through WireGuard)", 1, Integer::sum); // ip route or ipv6 route
    }

    /** An interface while the export is read. */
    private final class InterfaceBuilder {
        final int line;
        final String name;
        Optional<WgKey> privateKey = Optional.empty();
        Optional<WgKey> publicKey = Optional.empty();
        int listenPort = WireguardInterface.DEFAULT_LISTEN_PORT;
        int mtu = WireguardInterface.DEFAULT_MTU;
        Optional<String> comment = Optional.empty();
        boolean disabled;
        final List<InterfaceAddress> addresses = new ArrayList<>();
        final List<WireguardInterface.Route> routes = new ArrayList<>();
        final List<WireguardPeer> peers = new ArrayList<>();
        final Map<String, Integer> lines = new LinkedHashMap<>();

        InterfaceBuilder(int line, String name) {
            this.line = line;
            this.name = name;
        }

        void apply(RouterOsCommand c, PropertyReader in) {
            c.lines().forEach(lines::put);
            privateKey = in.key("private-key").or(() -> privateKey);
            publicKey = in.key("public-key").or(() -> publicKey);
            listenPort = in.number("listen-port", 1, 65535).orElse(listenPort);
            mtu = in.number("mtu", 576, 65535).orElse(mtu);
            comment = c.get("comment").or(() -> comment);
            disabled = c.get("disabled").isPresent() ? c.disabled() : disabled;
            c.get("vrf").filter(v -> !v.equals("main")).ifPresent(v -> warnings.add(new ConfigWarning(file,
                    c.lineOf("vrf"), "vrf", "VRF " + Redaction.value(v) + " has no wg-quick equivalent (FwMark and "
                    + "policy routing come closest); the import uses the main table")));
            in.warnUnknown(Set.of("name", "listen-port", "mtu", "private-key", "public-key", "comment", "disabled",
                    "vrf", "running"));
        }

        WireguardInterface build() {
            Optional<WgKey> derived = privateKey.map(WgKey::publicKey);
            return new WireguardInterface(line, name, privateKey, derived.or(() -> publicKey), listenPort, mtu,
                    comment, addresses, routes, peers, lines);
        }
    }
}
