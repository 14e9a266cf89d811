package io.wgate.core.route;

import io.wgate.core.peer.Peer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static public key to {@link Peer}: how a consumed initiation finds the peer its decrypted static
 * key names. Keeps insertion order for listing. Owner thread only.
 */
public final class PeerTable {

    private final Map<ByteBuffer, Peer> byKey = new HashMap<>();
    private final List<Peer> peers = new ArrayList<>();
    private final List<Peer> view = Collections.unmodifiableList(peers);

    /** The peer with {@code publicKey}, or null. */
    public Peer get(byte[] publicKey) {
        return byKey.get(ByteBuffer.wrap(publicKey));
    }

    /** Adds {@code peer}; false if a peer with its key is already present. */
    public boolean add(Peer peer) {
        ByteBuffer key = ByteBuffer.wrap(peer.publicKey());
        if (byKey.containsKey(key)) {
            return false;
        }
        byKey.put(key, peer);
        peers.add(peer);
        return true;
    }

    /** Removes {@code peer}; false if it was not present. */
    public boolean remove(Peer peer) {
        if (byKey.remove(ByteBuffer.wrap(peer.publicKey()), peer)) {
            peers.remove(peer);
            return true;
        }
        return false;
    }

    /** All peers in insertion order, unmodifiable; do not hold across mutations. */
    public List<Peer> all() {
        return view;
    }

    public int size() {
        return peers.size();
    }
}
