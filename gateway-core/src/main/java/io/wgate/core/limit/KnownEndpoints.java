package io.wgate.core.limit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;

/**
 * The endpoints our peers have now (address and port), each counted once per peer that has it. Under load the
 * engine lets an initiation from one of them skip the cookie round trip (a peer restarted during a flood reconnects
 * at once instead of after a cookie and a 5 s retry); such initiations have a rate limit of their own, so a spoofer
 * who knows a peer's endpoint costs at most that rate and never the peer's own path through the cookie.
 *
 * <p>Owner thread only; the peers report their endpoint changes here ({@link io.wgate.core.peer.Peer#setEndpoint}).
 */
public final class KnownEndpoints {

    private final HashMap<InetSocketAddress, Integer> counts = new HashMap<>();
    /** How often the set of distinct endpoints has changed: readers compare it to decide whether to look again. */
    private long changes;

    /** A peer's endpoint changed from {@code from} to {@code to} (either may be null: none). */
    public void moved(InetSocketAddress from, InetSocketAddress to) {
        if (from == null ? to == null : from.equals(to)) {
            return;
        }
        if (from != null) {
            Integer left = counts.computeIfPresent(from, (address, count) -> count == 1 ? null : count - 1);
            if (left == null) {
                changes++;
            }
        }
        if (to != null && counts.merge(to, 1, Integer::sum) == 1) {
            changes++;
        }
    }

    /** A number that changes whenever an endpoint joins or leaves the set (a peer's move to a new one, for example). */
    public long changes() {
        return changes;
    }

    /**
     * The distinct IP addresses of the endpoints (ports ignored), at most {@code max} of them, in a stable order
     * (sorted by family, then by address bytes), so that the same set always gives the same list.
     */
    public List<InetAddress> addresses(int max) {
        TreeSet<InetAddress> distinct = new TreeSet<>(KnownEndpoints::compare);
        for (InetSocketAddress endpoint : counts.keySet()) {
            if (endpoint.getAddress() != null) {
                distinct.add(endpoint.getAddress());
            }
        }
        return distinct.stream().limit(max).toList();
    }

    private static int compare(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }

    /** Whether some peer's endpoint is {@code address}. */
    public boolean contains(InetSocketAddress address) {
        return counts.containsKey(address);
    }

    /** How many distinct endpoints there are. */
    public int size() {
        return counts.size();
    }
}
