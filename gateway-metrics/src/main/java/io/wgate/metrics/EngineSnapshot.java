package io.wgate.metrics;

import io.wgate.core.DropReason;
import io.wgate.core.Engine;
import io.wgate.core.EngineCounters;
import io.wgate.core.EngineEvent;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.core.session.Keypair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The engine's state for one scrape: its counters, its under-load state and its peers (at most a configured number
 * of them in detail). {@link #take} runs on the engine's event loop, once per scrape; the result is immutable and
 * read on the metrics loop.
 *
 * <p>Interface totals are the live peers' counters plus those of the peers removed so far
 * ({@link EngineCounters#removedPeersRxBytes()} ...), so they never go backwards when {@code wg set} removes a peer;
 * a removed peer's own series disappear, as the exporter's do.
 *
 * @param epochNanos     wall-clock time of the snapshot
 * @param peers          the peers with series of their own (the first {@code peerLimit} in the order added)
 * @param peerCount      all peers, with series or not
 * @param rxBytes        interface total of received UDP payload bytes (monotonic)
 * @param txBytes        interface total of sent UDP payload bytes (monotonic)
 * @param rxPackets      interface total of received datagrams (monotonic)
 * @param txPackets      interface total of sent datagrams (monotonic)
 * @param drops          per {@link DropReason} ordinal
 * @param events         per {@link EngineEvent} ordinal
 * @param handshakeFailures per {@link DropReason} ordinal
 * @param underLoad      whether handshakes need a valid mac2 now
 * @param queuedHandshakes handshake messages waiting for the engine
 * @param stagedPackets  packets waiting for a session, all peers
 * @param newestHandshakeEpochNanos the latest handshake of any peer, 0 if none
 */
public record EngineSnapshot(long epochNanos, List<PeerSnapshot> peers, int peerCount, long rxBytes, long txBytes,
                             long rxPackets, long txPackets, long[] drops, long[] events, long[] handshakeFailures,
                             boolean underLoad, int queuedHandshakes, int stagedPackets,
                             long newestHandshakeEpochNanos) {

    /** Before the first scrape: nothing counted. */
    public static final EngineSnapshot EMPTY = new EngineSnapshot(0, List.of(), 0, 0, 0, 0, 0,
            new long[DropReason.values().length], new long[EngineEvent.values().length],
            new long[DropReason.values().length], false, 0, 0, 0);

    public EngineSnapshot {
        peers = List.copyOf(peers);
    }

    /**
     * Copies {@code engine}'s state. On the engine's event loop only.
     *
     * @param nowNanos      the loop's monotonic time (keypair ages)
     * @param epochNanos    wall-clock time
     * @param friendlyNames base64 public key to friendly name, from the configuration
     * @param peerLimit     how many peers get series of their own (0: none)
     */
    public static EngineSnapshot take(Engine engine, long nowNanos, long epochNanos, Map<String, String> friendlyNames,
                                      int peerLimit) {
        List<Peer> all = engine.peers();
        EngineCounters counters = engine.counters();
        long rxBytes = counters.removedPeersRxBytes();
        long txBytes = counters.removedPeersTxBytes();
        long rxPackets = counters.removedPeersRxPackets();
        long txPackets = counters.removedPeersTxPackets();
        int staged = 0;
        long newestHandshake = 0;
        List<PeerSnapshot> peers = new ArrayList<>(Math.min(all.size(), peerLimit));
        Base64.Encoder base64 = Base64.getEncoder();
        for (int i = 0; i < all.size(); i++) {
            Peer peer = all.get(i);
            rxBytes += peer.rxBytes();
            txBytes += peer.txBytes();
            rxPackets += peer.rxPackets();
            txPackets += peer.txPackets();
            staged += peer.staged().size();
            newestHandshake = Math.max(newestHandshake, peer.lastHandshakeEpochNanos());
            if (i < peerLimit) {
                String key = base64.encodeToString(peer.publicKey());
                Keypair current = peer.keypairs().current();
                List<String> allowed = new ArrayList<>();
                for (Prefix prefix : engine.allowedIps(peer)) {
                    allowed.add(prefix.toString());
                }
                peers.add(new PeerSnapshot(key, friendlyNames.get(key), allowed, peer.endpoint(), peer.rxBytes(),
                        peer.txBytes(), peer.rxPackets(), peer.txPackets(), peer.lastHandshakeEpochNanos(),
                        current == null || current.isDestroyed() ? -1 : current.ageNanos(nowNanos),
                        peer.staged().size()));
            }
        }
        long[] drops = new long[DropReason.values().length];
        long[] failures = new long[drops.length];
        for (DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = engine.drops().get(reason);
            failures[reason.ordinal()] = counters.handshakeFailures(reason);
        }
        long[] events = new long[EngineEvent.values().length];
        for (EngineEvent event : EngineEvent.values()) {
            events[event.ordinal()] = counters.get(event);
        }
        return new EngineSnapshot(epochNanos, peers, all.size(), rxBytes, txBytes, rxPackets, txPackets, drops, events,
                failures, engine.isUnderLoad(nowNanos), engine.queuedHandshakes(), staged, newestHandshake);
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long events(EngineEvent event) {
        return events[event.ordinal()];
    }

    public long handshakeFailures(DropReason reason) {
        return handshakeFailures[reason.ordinal()];
    }
}
