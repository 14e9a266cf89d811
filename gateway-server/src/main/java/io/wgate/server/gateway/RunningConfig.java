package io.wgate.server.gateway;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration an engine runs with now, as a reload compares it with the file: our public key, and per peer
 * the preshared key, keepalive, allowed IPs and endpoint. Taken on the engine's loop ({@link #of}); read anywhere.
 * Holds copies of the preshared keys: {@link #wipe} them when done.
 *
 * @param publicKey our static public key, empty when no private key is set
 * @param peers     public key to the peer's settings, in the engine's order
 */
record RunningConfig(Optional<WgKey> publicKey, Map<WgKey, RunningConfig.PeerSettings> peers) {

    /**
     * One peer's settings.
     *
     * @param presharedKey      the preshared key, all zeros for none
     * @param keepaliveSeconds  persistent keepalive, 0 = off
     * @param allowedIps        the prefixes routed to it
     * @param endpoint          where packets for it go now, null if unknown
     */
    record PeerSettings(WgKey presharedKey, int keepaliveSeconds, Set<Prefix> allowedIps,
                        InetSocketAddress endpoint) {
    }

    RunningConfig {
        peers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    }

    /** The engine's configuration now. Engine loop only. */
    static RunningConfig of(Engine engine) {
        Map<WgKey, PeerSettings> peers = new LinkedHashMap<>();
        for (Peer peer : engine.peers()) {
            byte[] psk = peer.handshake().presharedKey();
            WgKey presharedKey = WgKey.of(psk);
            Arrays.fill(psk, (byte) 0);
            peers.put(WgKey.of(peer.publicKey()), new PeerSettings(presharedKey, peer.persistentKeepaliveSeconds(),
                    new LinkedHashSet<>(engine.allowedIps(peer)), peer.endpoint()));
        }
        byte[] ours = engine.publicKey();
        return new RunningConfig(Optional.ofNullable(ours).map(WgKey::of), peers);
    }

    /** Wipes the preshared key copies. */
    void wipe() {
        peers.values().forEach(p -> p.presharedKey().wipe());
    }
}
