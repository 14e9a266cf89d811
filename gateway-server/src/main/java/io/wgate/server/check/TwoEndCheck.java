package io.wgate.server.check;

import io.wgate.core.route.Prefix;
import io.wgate.server.routeros.Prefixes;
import io.wgate.server.config.InterfaceAddress;
import java.util.List;
import java.util.Optional;

/**
 * The two ends of one tunnel against each other: the mistakes of keeping two files in step by hand (each network
 * appears on both sides). Keys are compared, never shown.
 */
final class TwoEndCheck {

    private final TunnelEnd a;
    private final TunnelEnd b;
    private final List<Finding> out;

    private TwoEndCheck(TunnelEnd a, TunnelEnd b, List<Finding> out) {
        this.a = a;
        this.b = b;
        this.out = out;
    }

    /** Whether {@code x} and {@code y} look like two ends of one tunnel: one lists the other's key. */
    static boolean belongTogether(TunnelEnd x, TunnelEnd y) {
        return x.publicKey().map(k -> y.peers().stream().anyMatch(p -> p.publicKey().equals(k))).orElse(false)
                || y.publicKey().map(k -> x.peers().stream().anyMatch(p -> p.publicKey().equals(k))).orElse(false);
    }

    static void check(TunnelEnd a, TunnelEnd b, List<Finding> out) {
        new TwoEndCheck(a, b, out).run();
    }

    private void run() {
        Optional<TunnelEnd.Peer> forB = peerFor(a, b);
        Optional<TunnelEnd.Peer> forA = peerFor(b, a);
        if (forB.isEmpty() || forA.isEmpty()) {
            return;
        }
        TunnelEnd.Peer pb = forB.get();
        TunnelEnd.Peer pa = forA.get();
        for (boolean reverse : new boolean[] {false, true}) {
            TunnelEnd x = reverse ? b : a;
            TunnelEnd y = reverse ? a : b;
            TunnelEnd.Peer py = reverse ? pa : pb;
            TunnelEnd.Peer px = reverse ? pb : pa;
            addressAllowed(x, y, py);
            endpoint(x, y, py);
            keepalive(x, y, py, px);
            lans(x, y, py, px);
        }
        if (pb.endpoint().isEmpty() && pa.endpoint().isEmpty()) {
            out.add(new Finding(a.file(), pb.line(), a.key("Endpoint"), "neither " + a.label() + " nor " + b.label()
                    + " has an Endpoint for the other, so neither can start a handshake",
                    "set the Endpoint of the peer on the side that can reach the other's public address"));
        }
        if (pb.presharedKey().isPresent() != pa.presharedKey().isPresent()) {
            TunnelEnd with = pb.presharedKey().isPresent() ? a : b;
            TunnelEnd.Peer p = pb.presharedKey().isPresent() ? pb : pa;
            TunnelEnd without = with == a ? b : a;
            out.add(new Finding(with.file(), p.lineOf("PresharedKey"), with.key("PresharedKey"), "only this side "
                    + "has a PresharedKey; " + without.label() + " has none for it, so no handshake completes",
                    "put the same key into both ends, or remove it from this one"));
        } else if (pb.presharedKey().isPresent() && !pb.presharedKey().equals(pa.presharedKey())) {
            out.add(new Finding(a.file(), pb.lineOf("PresharedKey"), a.key("PresharedKey"), "the PresharedKeys of "
                    + a.label() + " and " + b.label() + " (line " + pa.lineOf("PresharedKey") + ") differ, so no "
                    + "handshake completes", "copy one side's key to the other"));
        }
        if (a.mtu().isPresent() && b.mtu().isPresent() && a.mtu().getAsInt() != b.mtu().getAsInt()) {
            out.add(new Finding(a.file(), a.lineOf("MTU"), a.key("MTU"), "MTU " + a.mtu().getAsInt() + " here, "
                    + b.mtu().getAsInt() + " in " + b.label() + " (line " + b.lineOf("MTU") + "): packets that fit "
                    + "one end are too large for the other", "use the same MTU on both ends (1420 is the usual)"));
        }
    }

    /** {@code x}'s peer entry for {@code y}: the one with {@code y}'s key, or the only one when that is unknown. */
    private Optional<TunnelEnd.Peer> peerFor(TunnelEnd x, TunnelEnd y) {
        if (y.publicKey().isPresent()) {
            Optional<TunnelEnd.Peer> match = x.peers().stream()
                    .filter(p -> p.publicKey().equals(y.publicKey().get())).findFirst();
            if (match.isPresent()) {
                return match;
            }
            if (x.peers().size() == 1) {
                TunnelEnd.Peer only = x.peers().getFirst();
                out.add(new Finding(x.file(), only.lineOf("PublicKey"), x.key("PublicKey"), "the key of peer "
                        + only.label() + " is not the public key of " + y.label() + "'s private key, so "
                        + y.name() + " cannot complete a handshake with " + x.name(), y.routerOs()
                        ? "set it to the output of ':put [/interface wireguard get " + y.name() + " public-key]'"
                        : "set it to the output of 'wgate pubkey' with " + y.file() + "'s PrivateKey as input"));
                return Optional.of(only);
            }
            out.add(new Finding(x.file(), x.line(), null, "no peer has the public key of " + y.label(),
                    "add a peer for it"));
            return Optional.empty();
        }
        return x.peers().size() == 1 ? Optional.of(x.peers().getFirst()) : Optional.empty();
    }

    private void addressAllowed(TunnelEnd x, TunnelEnd y, TunnelEnd.Peer py) {
        for (InterfaceAddress address : y.addresses()) {
            Prefix host = Prefixes.host(address);
            if (!Prefixes.anyCovers(py.allowedIps(), host)) {
                out.add(new Finding(x.file(), py.lineOf("AllowedIPs"), x.key("AllowedIPs"), y.label()
                        + "'s tunnel address " + address.address().getHostAddress() + " (line "
                        + y.lineOf("Address") + ") is not in the AllowedIPs of peer " + py.label() + ", so "
                        + x.name() + " drops what it sends from there", "add " + host + " (or the tunnel network "
                        + Prefixes.network(address) + ")"));
            }
        }
    }

    private void endpoint(TunnelEnd x, TunnelEnd y, TunnelEnd.Peer py) {
        if (py.endpoint().isEmpty()) {
            return;
        }
        int port = py.endpoint().get().port();
        if (y.listenPort() == 0) {
            out.add(new Finding(y.file(), y.line(), y.key("ListenPort"), "no ListenPort, but " + x.label()
                    + " sends to port " + port + " (line " + py.lineOf("Endpoint") + "); without it the port is "
                    + "random", "set ListenPort = " + port));
        } else if (y.listenPort() != port) {
            boolean ownLine = py.lines().containsKey("EndpointPort");
            out.add(new Finding(x.file(), py.lineOf(ownLine ? "EndpointPort" : "Endpoint"),
                    ownLine ? "endpoint-port" : x.key("Endpoint"), "port " + port + ", but "
                    + y.label() + " listens on " + y.listenPort() + " (line " + y.lineOf("ListenPort") + ")",
                    "use port " + y.listenPort() + " here, or change the other side's listen port"));
        }
        py.endpoint().get().literalAddress().ifPresent(ip -> {
            for (InterfaceAddress own : y.addresses()) {
                if (own.address().equals(ip)) {
                    out.add(new Finding(x.file(), py.lineOf("Endpoint"), x.key("Endpoint"), "the Endpoint is "
                            + y.label() + "'s tunnel address, which is reachable only through the tunnel itself",
                            "use its public (Internet) address"));
                }
            }
        });
    }

    private void keepalive(TunnelEnd x, TunnelEnd y, TunnelEnd.Peer py, TunnelEnd.Peer px) {
        if (px.endpoint().isEmpty() && py.endpoint().isPresent() && py.keepalive() == 0) {
            out.add(new Finding(x.file(), py.line(), x.key("PersistentKeepalive"), y.label() + " has no Endpoint "
                    + "for " + x.name() + ", so " + x.name() + " is the side that calls (behind NAT); without a "
                    + "keepalive its NAT mapping expires and " + y.name() + " cannot reach it",
                    x.routerOs() ? "set persistent-keepalive=25s" : "add PersistentKeepalive = 25"));
        }
    }

    private void lans(TunnelEnd x, TunnelEnd y, TunnelEnd.Peer py, TunnelEnd.Peer px) {
        List<Prefix> yLans = farNetworks(x, y, py);
        List<Prefix> xLans = farNetworks(y, x, px);
        for (Prefix lan : x == a ? yLans : List.<Prefix>of()) {
            for (Prefix mine : xLans) {
                if (Prefixes.overlap(lan, mine)) {
                    out.add(new Finding(x.file(), py.lineOf("AllowedIPs"), x.key("AllowedIPs"), lan + " is routed "
                            + "to " + y.name() + " here, and " + y.label() + " routes " + mine + " to " + x.name()
                            + " (line " + px.lineOf("AllowedIPs") + "): a network lies behind one side only",
                            "remove it from the side where it is local"));
                }
            }
        }
        if (!yLans.isEmpty() && xLans.isEmpty()) {
            out.add(new Finding(y.file(), px.lineOf("AllowedIPs"), y.key("AllowedIPs"), x.label() + " routes "
                    + yLans.getFirst() + " into the tunnel, but the AllowedIPs of peer " + px.label()
                    + " hold only tunnel addresses: " + y.name() + " drops packets from " + x.name()
                    + "'s LAN, and sends its answers elsewhere",
                    "add " + x.name() + "'s LAN prefix (for example " + lanHint(x) + ")"));
        }
        for (Prefix lan : x.lans()) {
            if (!xLans.isEmpty() && !Prefixes.anyCovers(px.allowedIps(), lan)
                    && xLans.stream().noneMatch(l -> Prefixes.overlap(l, lan))) {
                out.add(new Finding(y.file(), px.lineOf("AllowedIPs"), y.key("AllowedIPs"), x.label()
                        + " has the LAN " + lan + ", which the AllowedIPs of peer " + px.label() + " leave out",
                        "add " + lan + " if that LAN should reach " + y.name()));
            }
        }
    }

    private static String lanHint(TunnelEnd x) {
        return x.lans().isEmpty() ? "192.168.1.0/24" : x.lans().getFirst().toString();
    }

    /** What {@code x} sends to {@code y} that is not the tunnel's own: {@code y}'s LANs as {@code x} sees them. */
    private static List<Prefix> farNetworks(TunnelEnd x, TunnelEnd y, TunnelEnd.Peer py) {
        return py.allowedIps().stream()
                .filter(p -> y.addresses().stream().noneMatch(a -> Prefixes.contains(p, a.address().getAddress())))
                .filter(p -> x.addresses().stream().noneMatch(a -> Prefixes.contains(p, a.address().getAddress())))
                .toList();
    }
}
