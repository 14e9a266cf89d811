package io.wgate.server.check;

import io.wgate.core.route.Prefix;
import io.wgate.server.routeros.Prefixes;
import java.util.List;

/**
 * AllowedIPs that overlap between two peers of one interface. RouterOS refuses them; the kernel and wgate give an
 * address to the peer with the longest matching prefix (an identical prefix moves to the peer set last), so one peer
 * silently loses traffic it was meant to get (wireguard(8), "AllowedIPs"; MikroTik help, "WireGuard").
 */
final class PeerOverlap {

    private PeerOverlap() {
    }

    static void check(TunnelEnd end, List<Finding> out) {
        List<TunnelEnd.Peer> peers = end.peers();
        for (int j = 1; j < peers.size(); j++) {
            for (int i = 0; i < j; i++) {
                for (Prefix b : peers.get(j).allowedIps()) {
                    for (Prefix a : peers.get(i).allowedIps()) {
                        if (!end.routerOs() && a.equals(b)) {
                            continue; // the wg-quick parser warns about a prefix given twice already
                        }
                        if (Prefixes.covers(a, b) || Prefixes.covers(b, a)) {
                            out.add(new Finding(end.file(), peers.get(j).lineOf("AllowedIPs"), end.key("AllowedIPs"),
                                    b + " of peer " + peers.get(j).label() + " overlaps " + a + " of peer "
                                            + peers.get(i).label() + ": each address goes to one peer only",
                                    "give each network to the one peer behind which it lies"));
                        }
                    }
                }
            }
        }
    }
}
