package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import io.wgate.crypto.X25519;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The naive twin of {@link SetOperation} over plain maps: it applies a parsed request the way
 * wireguard-go does, one line after the other, to a deep copy of its state, and keeps the copy only if
 * no line failed. No planning, no ordering tricks. Mirrors {@link FakeDevice}'s port behaviour.
 */
final class NaiveDevice {

    /** One peer's configuration. */
    record PeerConfig(WgKey psk, InetSocketAddress endpoint, int keepalive) {
    }

    /** Everything {@code get} shows, in a comparable form (peer order included). */
    record Snapshot(WgKey privateKey, int listenPort, int fwmark, List<WgKey> order, Map<WgKey, PeerConfig> peers,
                    Map<WgKey, Set<Prefix>> allowedIps) {
    }

    private final int maxPeers;
    private final Set<Integer> busyPorts;
    private State state = new State();

    NaiveDevice(int maxPeers, Set<Integer> busyPorts) {
        this.maxPeers = maxPeers;
        this.busyPorts = busyPorts;
    }

    /** The mutable state; {@link #copy()} is deep. */
    private static final class State {
        WgKey privateKey;
        int listenPort;
        int fwmark;
        int nextRandomPort = 40000;
        LinkedHashMap<WgKey, PeerConfig> peers = new LinkedHashMap<>();
        Map<Prefix, WgKey> owner = new HashMap<>();

        State copy() {
            State c = new State();
            c.privateKey = privateKey;
            c.listenPort = listenPort;
            c.fwmark = fwmark;
            c.nextRandomPort = nextRandomPort;
            c.peers = new LinkedHashMap<>(peers);
            c.owner = new HashMap<>(owner);
            return c;
        }

        void removePeer(WgKey key) {
            peers.remove(key);
            owner.values().removeIf(key::equals);
        }
    }

    /** Applies {@code request}; returns false (and keeps the old state) if any line failed. */
    boolean apply(UapiRequest.Set request) {
        State s = state.copy();
        DeviceUpdate d = request.device();
        WgKey own = s.privateKey == null ? null : publicOf(s.privateKey);
        if (d.privateKey().isPresent()) {
            WgKey k = d.privateKey().get();
            s.privateKey = k.isZero() ? null : k;
            own = s.privateKey == null ? null : publicOf(s.privateKey);
            if (own != null) {
                s.removePeer(own);
            }
        }
        if (d.listenPort().isPresent()) {
            int port = d.listenPort().getAsInt();
            if (port == 0 || port != s.listenPort) {
                if (busyPorts.contains(port)) {
                    return false;
                }
                s.listenPort = port == 0 ? s.nextRandomPort++ : port;
            }
        }
        d.fwmark().ifPresent(mark -> s.fwmark = mark);
        if (d.replacePeers()) {
            for (WgKey key : List.copyOf(s.peers.keySet())) {
                s.removePeer(key);
            }
        }
        for (PeerUpdate u : request.peers()) {
            WgKey key = u.publicKey();
            if (key.equals(own)) {
                continue;
            }
            if (u.remove()) {
                s.removePeer(key);
                continue;
            }
            if (!s.peers.containsKey(key)) {
                if (u.updateOnly()) {
                    continue;
                }
                if (s.peers.size() >= maxPeers) {
                    return false;
                }
                s.peers.put(key, new PeerConfig(null, null, 0));
            }
            PeerConfig c = s.peers.get(key);
            WgKey psk = c.psk();
            if (u.presharedKey().isPresent()) {
                psk = u.presharedKey().get().isZero() ? null : u.presharedKey().get();
            }
            s.peers.put(key, new PeerConfig(psk, u.endpoint().orElse(c.endpoint()),
                    u.persistentKeepaliveSeconds().orElse(c.keepalive())));
            for (AllowedIpChange change : u.allowedIps()) {
                switch (change.op()) {
                    case ADD -> s.owner.put(change.prefix(), key);
                    case REMOVE -> s.owner.remove(change.prefix(), key);
                    case CLEAR -> s.owner.values().removeIf(key::equals);
                }
            }
        }
        state = s;
        return true;
    }

    Snapshot snapshot() {
        Map<WgKey, Set<Prefix>> allowed = new HashMap<>();
        for (WgKey key : state.peers.keySet()) {
            allowed.put(key, new TreeSet<>());
        }
        state.owner.forEach((prefix, key) -> allowed.get(key).add(prefix));
        return new Snapshot(state.privateKey, state.listenPort, state.fwmark, new ArrayList<>(state.peers.keySet()),
                Map.copyOf(state.peers), allowed);
    }

    private static WgKey publicOf(WgKey privateKey) {
        return WgKey.of(X25519.publicKey(privateKey.bytes()));
    }
}
