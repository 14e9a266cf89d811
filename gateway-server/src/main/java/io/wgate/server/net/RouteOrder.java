package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The order in which wg-quick adds routes for AllowedIPs: longest prefix first
 * ({@code sort -nr -k 2 -t /} in {@code linux.bash}), so that a covering route never hides a more
 * specific one while the check "is there already a route via the interface?" runs. Duplicates are
 * dropped (the kernel keeps a prefix on one peer only); equal lengths keep their config order.
 */
public final class RouteOrder {

    private RouteOrder() {
    }

    /** Distinct prefixes, longest first, stable. */
    public static List<Prefix> sorted(List<Prefix> allowedIps) {
        List<Prefix> distinct = new ArrayList<>(new LinkedHashSet<>(allowedIps));
        distinct.sort(Comparator.comparingInt(Prefix::cidr).reversed());
        return List.copyOf(distinct);
    }
}
