package io.wgate.server.gateway;

import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.UapiValues;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Resolves the host names of configured endpoints again while the gateway runs, so that a peer whose address
 * changes (dynamic DNS) is found without a restart. A host name given in the wg-quick file is resolved once at
 * start ({@link EndpointResolver}); this class looks it up again
 *
 * <ul>
 *   <li><b>when the tunnel is stale</b>: the peer's latest handshake is older than {@value #STALE_HANDSHAKE_SECONDS}
 *       s (the threshold of wireguard-tools' {@code contrib/reresolve-dns/reresolve-dns.sh}: REJECT_AFTER_TIME plus
 *       a margin) and an initiation is waiting for its response (the retransmit-handshake timer is armed), at most
 *       once every {@value #STALE_LOOKUP_SECONDS} s per peer; and</li>
 *   <li><b>periodically</b>: every {@code intervalNanos} whatever the handshake (0: never).</li>
 * </ul>
 *
 * <p>Roaming wins: the answer is applied only if no authenticated packet (nor a UAPI {@code set}) moved the endpoint
 * while the lookup ran, and a periodic answer only if the endpoint is still the one the name gave last time: a peer
 * that roamed (a NAT's mapping, another uplink) keeps its roamed endpoint while it answers. A stale tunnel overrides
 * a roamed endpoint, since it no longer answers. When the current address is among the answers, nothing changes
 * (no flapping between the addresses of a round-robin name). A peer whose endpoint is set over the UAPI
 * ({@code wg set ... endpoint=}, an IP literal: {@code wg} resolves names itself) is no longer re-resolved
 * ({@link #forget}); removed peers drop out by themselves.
 *
 * <p>Threads: everything here runs on the engine's event loop ({@link #poll} from a periodic loop task), except the
 * lookups, which run on {@code lookups} ({@code wgate-NAME-resolver-0}, started on demand): the loop never waits for
 * DNS. A finished lookup is applied in a task of its own on the loop.
 */
final class EndpointRefresher {

    /** A handshake older than this makes the tunnel stale (reresolve-dns.sh's 135 s). */
    static final long STALE_HANDSHAKE_SECONDS = 135;
    static final long STALE_HANDSHAKE_NANOS = STALE_HANDSHAKE_SECONDS * 1_000_000_000L;
    /** Fewest seconds between two stale-tunnel lookups of one peer (its initiation is retried every 5 s). */
    static final long STALE_LOOKUP_SECONDS = 15;
    static final long STALE_LOOKUP_NANOS = STALE_LOOKUP_SECONDS * 1_000_000_000L;

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    /** Blocking name lookup (off the loop): every address of {@code host}, the preferred first. */
    @FunctionalInterface
    interface Lookup {
        List<InetAddress> addresses(String host) throws UnknownHostException;
    }

    /** The system resolver ({@code getaddrinfo} through the JDK), whose first answer is the preferred one. */
    static final Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** What is remembered of one peer whose configured endpoint is a host name. Loop only. */
    private static final class Tracked {
        final Endpoint name;
        final String label;
        /** The endpoint the name gave last (set at start or by an earlier answer). */
        InetSocketAddress applied;
        long handshakeEpochSeen;
        /** Monotonic time since which the tunnel counts as fresh: start, or when a new handshake was seen. */
        long freshSinceNanos;
        long lastLookupNanos;
        boolean inFlight;
        boolean failing;

        Tracked(Endpoint name, String label, InetSocketAddress applied, long epochNanos, long nowNanos) {
            this.name = name;
            this.label = label;
            this.applied = applied;
            this.handshakeEpochSeen = epochNanos;
            this.freshSinceNanos = nowNanos;
            this.lastLookupNanos = nowNanos;
        }
    }

    private final String interfaceName;
    private final Lookup lookup;
    private final Executor lookups;
    private final Executor loop;
    private final long intervalNanos;
    private final Map<Peer, Tracked> tracked = new IdentityHashMap<>();
    /** Written on the loop only (one writer), read by the metrics' scrape thread. */
    private volatile long changes;
    private boolean closed;

    /**
     * @param interfaceName for the log
     * @param lookup        the resolver, called on {@code lookups}
     * @param lookups       where lookups run (never the loop)
     * @param loop          the engine's loop, where answers are applied
     * @param intervalNanos periodic lookups every this long; 0 for none (the stale-tunnel ones remain)
     */
    EndpointRefresher(String interfaceName, Lookup lookup, Executor lookups, Executor loop, long intervalNanos) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("intervalNanos must not be negative, got " + intervalNanos);
        }
        this.interfaceName = interfaceName;
        this.lookup = lookup;
        this.lookups = lookups;
        this.loop = loop;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Re-resolves {@code name} for {@code peer} from now on; {@code peer}'s current endpoint counts as the name's
     * answer, just looked up. An IP literal is not tracked. Loop only.
     *
     * @param friendlyName the peer's name from the configuration, or null: the log then shows the short key
     */
    void track(Peer peer, Endpoint name, String friendlyName, long nowNanos) {
        if (name.isLiteral()) {
            return;
        }
        String label = friendlyName == null ? peer.name() : "peer " + Redaction.text(friendlyName);
        tracked.put(peer, new Tracked(name, label, peer.endpoint(), peer.lastHandshakeEpochNanos(), nowNanos));
    }

    /**
     * Stops re-resolving {@code peer}'s endpoint: a UAPI {@code set} gave it an address, which replaces the name (the
     * kernel and wireguard-go only ever hold addresses). Loop only.
     */
    void forget(Peer peer) {
        Tracked t = tracked.remove(peer);
        if (t != null) {
            LOG.log(Level.INFO, "{0}: {1} endpoint set to {2}: {3} is no longer resolved again", interfaceName,
                    t.label, show(peer.endpoint()), Redaction.text(t.name.host()));
        }
    }

    /**
     * After a reload: each peer of {@code to} whose {@code Endpoint} line differs from {@code from}'s (or that is new)
     * is re-resolved by its new line's host name from now on, or no longer when the line is an address or gone; peers
     * whose line did not change keep their state (as the reload keeps their endpoint). Loop only.
     *
     * @param peerOf the engine's peer for a public key, or null
     */
    void reconfigure(WgQuickConfig from, WgQuickConfig to, Function<WgKey, Peer> peerOf,
                     long nowNanos) {
        for (PeerConfig changed : changedEndpointLines(from, to)) {
            Peer peer = peerOf.apply(changed.publicKey());
            if (peer == null) {
                continue;
            }
            tracked.remove(peer);
            if (changed.endpoint().isPresent()) {
                track(peer, changed.endpoint().get(), changed.name().orElse(null), nowNanos);
            }
        }
    }

    /** The peers of {@code to} whose {@code Endpoint} line is not {@code from}'s (new peers included). */
    static List<PeerConfig> changedEndpointLines(WgQuickConfig from, WgQuickConfig to) {
        Map<WgKey, PeerConfig> before = new HashMap<>();
        for (PeerConfig peer : from.peers()) {
            before.put(peer.publicKey(), peer);
        }
        List<PeerConfig> changed = new ArrayList<>();
        for (PeerConfig peer : to.peers()) {
            PeerConfig old = before.get(peer.publicKey());
            if (old == null || !old.endpoint().equals(peer.endpoint())) {
                changed.add(peer);
            }
        }
        return changed;
    }

    /** Whether any peer is tracked. Loop only. */
    boolean isEmpty() {
        return tracked.isEmpty();
    }

    /** The peers tracked. Loop only. */
    int size() {
        return tracked.size();
    }

    /** Endpoints moved by an answer so far; any thread. */
    long changes() {
        return changes;
    }

    /** Starts the lookups that are due (see the class comment). Loop only; called every few seconds. */
    void poll(long nowNanos) {
        if (closed) {
            return;
        }
        for (Iterator<Map.Entry<Peer, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Peer, Tracked> entry = it.next();
            Peer peer = entry.getKey();
            Tracked t = entry.getValue();
            if (peer.isRemoved()) {
                it.remove();
                continue;
            }
            long handshake = peer.lastHandshakeEpochNanos();
            if (handshake != t.handshakeEpochSeen) {
                t.handshakeEpochSeen = handshake;
                t.freshSinceNanos = nowNanos;
            }
            if (t.inFlight) {
                continue;
            }
            if (isStale(peer, t, nowNanos)) {
                ask(peer, t, true, nowNanos);
            } else if (intervalNanos > 0 && nowNanos - t.lastLookupNanos >= intervalNanos) {
                ask(peer, t, false, nowNanos);
            }
        }
    }

    private static boolean isStale(Peer peer, Tracked t, long nowNanos) {
        return nowNanos - t.freshSinceNanos > STALE_HANDSHAKE_NANOS
                && peer.timers().isPending(PeerTimers.RETRANSMIT_HANDSHAKE)
                && nowNanos - t.lastLookupNanos >= STALE_LOOKUP_NANOS;
    }

    private void ask(Peer peer, Tracked t, boolean stale, long nowNanos) {
        t.inFlight = true;
        t.lastLookupNanos = nowNanos;
        InetSocketAddress asked = peer.endpoint();
        String host = t.name.host();
        try {
            lookups.execute(() -> {
                List<InetAddress> answer;
                UnknownHostException failure = null;
                try {
                    answer = lookup.addresses(host);
                } catch (UnknownHostException e) {
                    answer = List.of();
                    failure = e;
                } catch (RuntimeException e) {
                    answer = List.of();
                    failure = new UnknownHostException(e.toString());
                }
                List<InetAddress> addresses = answer;
                UnknownHostException error = failure;
                try {
                    loop.execute(() -> complete(peer, t, asked, stale, addresses, error));
                } catch (RejectedExecutionException shuttingDown) {
                    // the loop is gone: nothing to apply
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            t.inFlight = false;
        }
    }

    /** Applies an answer (see the class comment). Loop only. */
    private void complete(Peer peer, Tracked t, InetSocketAddress asked, boolean stale, List<InetAddress> addresses,
                          UnknownHostException error) {
        t.inFlight = false;
        if (closed || peer.isRemoved() || tracked.get(peer) != t) {
            return;
        }
        String host = Redaction.text(t.name.host());
        if (error != null || addresses.isEmpty()) {
            if (!t.failing) {
                t.failing = true;
                String reason = error == null ? "no address" : EndpointResolver.reasonWithoutHost(error, t.name.host());
                LOG.log(Level.WARNING, "{0}: {1} endpoint {2}: cannot resolve it again ({3}); keeping {4}",
                        interfaceName, t.label, host, reason.isEmpty() ? "unknown host" : reason, show(peer.endpoint()));
            }
            return;
        }
        if (t.failing) {
            t.failing = false;
            LOG.log(Level.INFO, "{0}: {1} endpoint {2} resolves again", interfaceName, t.label, host);
        }
        InetSocketAddress current = peer.endpoint();
        if (current != asked) {
            return; // an authenticated packet (or a UAPI set) moved it meanwhile: roaming wins
        }
        if (!stale && current != null && !current.equals(t.applied)) {
            return; // roamed since the name's last answer, and the tunnel is not stale: roaming wins
        }
        int port = t.name.port();
        if (current != null && current.getPort() == port && addresses.contains(current.getAddress())) {
            t.applied = current;
            return;
        }
        InetSocketAddress next = new InetSocketAddress(addresses.getFirst(), port);
        peer.setEndpoint(next);
        t.applied = next;
        changes = changes + 1; // single writer: the loop
        LOG.log(Level.INFO, "{0}: {1} endpoint {2} re-resolved: {3} -> {4}", interfaceName, t.label, host,
                show(current), show(next));
    }

    /** No lookup starts and no answer is applied from now on. Loop only. */
    void close() {
        closed = true;
        tracked.clear();
    }

    /** {@code 192.0.2.1:51820} or {@code [2001:db8::1]:51820}, as {@code wg} shows endpoints; "none" for null. */
    static String show(InetSocketAddress endpoint) {
        return endpoint == null || endpoint.getAddress() == null ? "none" : UapiValues.formatEndpoint(endpoint);
    }
}
