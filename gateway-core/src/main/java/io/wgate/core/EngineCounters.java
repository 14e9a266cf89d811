package io.wgate.core;

import io.wgate.core.peer.Peer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The engine's protocol counters that are not packet drops: one per {@link EngineEvent}, handshake failures by
 * {@link DropReason}, and the traffic of peers that were removed, so that interface totals (live peers plus
 * removed ones) never go backwards when {@code wg set} removes a peer.
 *
 * <p>Written only by the engine's owner thread with plain increments (no atomics, no allocation); any thread may
 * read them through the getters, which use opaque reads, as {@link DropCounters} does.
 */
public final class EngineCounters {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int REMOVED_RX_BYTES = 0;
    private static final int REMOVED_TX_BYTES = 1;
    private static final int REMOVED_RX_PACKETS = 2;
    private static final int REMOVED_TX_PACKETS = 3;
    private static final int REMOVED_PEERS = 4;

    private final long[] events = new long[EngineEvent.count()];
    private final long[] handshakeFailures = new long[DropReason.values().length];
    private final long[] removed = new long[5];

    /** Counts one {@code event}. Owner thread only. */
    void count(EngineEvent event) {
        events[event.ordinal()]++;
    }

    /** Counts one handshake message rejected for {@code reason}. Owner thread only. */
    void countHandshakeFailure(DropReason reason) {
        handshakeFailures[reason.ordinal()]++;
    }

    /** Adds a peer's traffic to the removed peers' totals as it leaves the engine. Owner thread only. */
    void retire(Peer peer) {
        removed[REMOVED_RX_BYTES] += peer.rxBytes();
        removed[REMOVED_TX_BYTES] += peer.txBytes();
        removed[REMOVED_RX_PACKETS] += peer.rxPackets();
        removed[REMOVED_TX_PACKETS] += peer.txPackets();
        removed[REMOVED_PEERS]++;
    }

    /** How often {@code event} happened; any thread. */
    public long get(EngineEvent event) {
        return read(events, event.ordinal());
    }

    /**
     * Handshake messages (initiations, responses, cookie replies) rejected for {@code reason}; any thread. Only the
     * reasons a handshake message can have are ever non-zero. The same messages are counted as drops as well.
     */
    public long handshakeFailures(DropReason reason) {
        return read(handshakeFailures, reason.ordinal());
    }

    /** UDP payload bytes received from peers that were removed since; any thread. */
    public long removedPeersRxBytes() {
        return read(removed, REMOVED_RX_BYTES);
    }

    /** UDP payload bytes sent to peers that were removed since; any thread. */
    public long removedPeersTxBytes() {
        return read(removed, REMOVED_TX_BYTES);
    }

    /** Datagrams received from peers that were removed since; any thread. */
    public long removedPeersRxPackets() {
        return read(removed, REMOVED_RX_PACKETS);
    }

    /** Datagrams sent to peers that were removed since; any thread. */
    public long removedPeersTxPackets() {
        return read(removed, REMOVED_TX_PACKETS);
    }

    /** Peers removed so far; any thread. */
    public long removedPeers() {
        return read(removed, REMOVED_PEERS);
    }

    private static long read(long[] array, int index) {
        return (long) LONGS.getOpaque(array, index);
    }
}
