package io.wgate.core.limit;

import java.net.InetSocketAddress;
import java.util.HashMap;

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

    /** A peer's endpoint changed from {@code from} to {@code to} (either may be null: none). */
    public void moved(InetSocketAddress from, InetSocketAddress to) {
        if (from == null ? to == null : from.equals(to)) {
            return;
        }
        if (from != null) {
            counts.computeIfPresent(from, (address, count) -> count == 1 ? null : count - 1);
        }
        if (to != null) {
            counts.merge(to, 1, Integer::sum);
        }
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
