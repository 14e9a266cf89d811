package io.wgate.server.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.Engine;
import io.wgate.core.EngineConfig;
import io.wgate.core.Protocol;
import io.wgate.core.WallClock;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The engine part of a gateway's start-up: resolving the peers' endpoints (with retries, see
 * {@link EndpointResolver}) and building an {@link Engine} with the private key, the peers, their
 * preshared keys, endpoints, AllowedIPs and keepalives. Touches no network state.
 */
final class EngineSetup {

    private EngineSetup() {
    }

    /** Each peer's resolved endpoint, in peer order; null for a peer without one. */
    static List<InetSocketAddress> resolveEndpoints(WgQuickConfig config, int attempts) throws Exception {
        EndpointResolver resolver = new EndpointResolver(attempts);
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            resolved.add(peer.endpoint().isPresent() ? resolver.resolve(peer.endpoint().get()) : null);
        }
        return resolved;
    }

    /**
     * A new engine for {@code config}; the caller closes it (on its event loop, once it runs there). The
     * engine keeps copies of the keys; the temporary copies made to hand them over are wiped, the
     * configuration's own are the caller's to wipe.
     */
    static Engine newEngine(WgQuickConfig config, List<InetSocketAddress> endpoints, ChaCha20Poly1305 aead) {
        WallClock wallClock = () -> {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
        Engine engine = new Engine(new EngineConfig(PooledByteBufAllocator.DEFAULT, aead, new SystemEntropy(),
                wallClock, Protocol.DEFAULT_MTU, 16, Protocol.MAX_QUEUED_INCOMING_HANDSHAKES));
        byte[] privateKey = config.iface().privateKey().bytes();
        try {
            engine.setPrivateKey(privateKey);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        for (int i = 0; i < config.peers().size(); i++) {
            PeerConfig peerConfig = config.peers().get(i);
            var peer = engine.addPeer(peerConfig.publicKey().bytes());
            peerConfig.presharedKey().ifPresent(psk -> {
                byte[] secret = psk.bytes();
                peer.handshake().setPresharedKey(secret);
                Arrays.fill(secret, (byte) 0);
            });
            if (endpoints.get(i) != null) {
                peer.setEndpoint(endpoints.get(i));
            }
            peerConfig.allowedIps().forEach(prefix -> engine.addAllowedIp(peer, prefix));
            engine.setPersistentKeepalive(peer, peerConfig.persistentKeepaliveSeconds());
        }
        return engine;
    }
}
