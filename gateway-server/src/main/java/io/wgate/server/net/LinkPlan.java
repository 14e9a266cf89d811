package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Hooks;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.RouteTable;
import io.wgate.server.config.WgQuickConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything {@link LinkSetup#up} needs to bring a link into service: the wg-quick part of the config
 * plus the peers' AllowedIPs and their endpoints' addresses (resolved by the caller).
 *
 * @param interfaceName the existing link (the TUN the caller opened)
 * @param addresses     Address entries
 * @param mtu           explicit MTU, or empty to compute it ({@link AutoMtu})
 * @param table         Table setting
 * @param fwMark        FwMark (0 = none; chosen by {@code up} when a /0 needs policy routing)
 * @param allowedIps    every peer's AllowedIPs, in peer and file order
 * @param endpoints     resolved peer endpoint addresses, for the automatic MTU
 * @param hooks         PreUp/PostUp/PreDown/PostDown
 */
public record LinkPlan(String interfaceName, List<InterfaceAddress> addresses, OptionalInt mtu, RouteTable table,
                       long fwMark, List<Prefix> allowedIps, List<InetAddress> endpoints, Hooks hooks) {

    public LinkPlan {
        if (!WgQuickConfig.isValidInterfaceName(Objects.requireNonNull(interfaceName, "interfaceName"))) {
            throw new IllegalArgumentException("not an interface name: '" + interfaceName + "'");
        }
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(table, "table");
        allowedIps = List.copyOf(allowedIps);
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(hooks, "hooks");
    }

    /**
     * The plan for a parsed config.
     *
     * @param resolvedEndpoints the addresses the peers' endpoints resolved to (any order; may be empty)
     */
    public static LinkPlan of(WgQuickConfig config, List<InetAddress> resolvedEndpoints) {
        List<Prefix> allowed = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            allowed.addAll(peer.allowedIps());
        }
        var i = config.iface();
        return new LinkPlan(config.interfaceName(), i.addresses(), i.mtu(), i.table(), i.fwMark(), allowed,
                resolvedEndpoints, i.hooks());
    }

    /** The same plan with another fwmark (for a caller that chose it first with {@link LinkSetup#chooseFwMark}). */
    public LinkPlan withFwMark(long mark) {
        return new LinkPlan(interfaceName, addresses, mtu, table, mark, allowedIps, endpoints, hooks);
    }

    /** True when a default route ({@code /0}) goes into the tunnel with {@code Table = auto}: fwmark policy routing. */
    public boolean needsPolicyRouting() {
        return table.mode() == RouteTable.Mode.AUTO && allowedIps.stream().anyMatch(p -> p.cidr() == 0);
    }
}
