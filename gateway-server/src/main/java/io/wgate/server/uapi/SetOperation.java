package io.wgate.server.uapi;

import io.wgate.core.Engine;
import io.wgate.core.Protocol;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Applies a parsed {@code set} request to a {@link UapiDevice} all-or-nothing
 * (https://www.wireguard.com/xplatform/; wireguard-go {@code IpcSetOperation}, which by contrast applies line by line
 * and stops half-way on an error).
 *
 * <p>Three phases, on the engine's loop, each in {@link Run#step} slices:
 * <ol>
 *   <li><b>Plan</b>: walk the request against a model of the peer set (which peers exist after the
 *       private key and {@code replace_peers} took effect, which key is ours) and decide per peer
 *       section whether it creates, updates, removes or is ignored. Everything the engine could refuse
 *       (too many peers) fails here, before any change.</li>
 *   <li><b>Socket settings</b>: fwmark, then listen port; the only steps that can fail at run time. A
 *       failed bind undoes the fwmark change; either failure is {@link UapiException#EADDRINUSE} and
 *       nothing else has changed. They go first because they do not depend on the engine's state.</li>
 *   <li><b>Engine</b>: private key, {@code replace_peers}, then the peer sections in order. The plan
 *       guarantees these calls succeed.</li>
 * </ol>
 *
 * <p>A peer section for our own public key is ignored without error, as wireguard-go and the kernel do
 * (a mesh configuration may list every node, this one included). Switching a persistent keepalive from
 * off to on owes the peer a keepalive, which {@link Engine#setPersistentKeepalive} schedules for the
 * next tick; {@link UapiDevice#onConfigurationApplied()} tells the driver to look.
 */
public final class SetOperation {

    private static final System.Logger LOG = System.getLogger(SetOperation.class.getName());

    private final int maxPeers;

    /** An operation with the engine's peer limit ({@link Protocol#MAX_PEERS}). */
    public SetOperation() {
        this(Protocol.MAX_PEERS);
    }

    /** An operation that refuses to grow the device beyond {@code maxPeers} (at most the engine's limit). */
    SetOperation(int maxPeers) {
        if (maxPeers < 1 || maxPeers > Protocol.MAX_PEERS) {
            throw new IllegalArgumentException("maxPeers must be 1.." + Protocol.MAX_PEERS + ", got " + maxPeers);
        }
        this.maxPeers = maxPeers;
    }

    /** What one peer section does, decided by the plan. */
    enum Action { CREATE, UPDATE, REMOVE, IGNORE }

    private record Step(Action action, PeerUpdate update) {
    }

    /**
     * Validates and applies {@code request} to {@code device} in one go. Call on the engine's loop.
     *
     * @return what changed, for the log
     * @throws UapiException if the request cannot be applied; then nothing has changed
     */
    public SetSummary apply(UapiDevice device, UapiRequest.Set request) throws UapiException {
        Run run = begin(device, request);
        while (!run.step(System.nanoTime() + TimeUnit.HOURS.toNanos(1))) {
            // one go: no deadline
        }
        return run.summary();
    }

    /**
     * A run of {@code request} against {@code device}, to be driven by {@link Run#step} slices on the engine's loop;
     * nothing happens before the first slice. No other change to the peer set may come between the slices (the
     * UAPI's {@link RequestRunner} runs one request at a time).
     */
    public Run begin(UapiDevice device, UapiRequest.Set request) {
        return new Run(maxPeers, device, request);
    }

    /**
     * One {@code set}, a slice at a time so that packets keep flowing in between (fifty thousand peers take
     * seconds): the plan (the peers present, then each section's action), then in one slice the socket settings
     * and the private key, then the removals of {@code replace_peers} and the peer sections in order. Until the
     * plan and the socket settings succeeded nothing has changed; every later step was planned to succeed. Engine
     * loop only.
     */
    public static final class Run {

        private enum Phase { PRESENT, PLAN, SETTINGS, REMOVE, APPLY, DONE }

        private final int maxPeers;
        private final UapiDevice device;
        private final UapiRequest.Set request;
        private final SetSummary.Builder summary = new SetSummary.Builder();
        private Phase phase = Phase.PRESENT;
        private int next;
        private List<Peer> snapshot;
        private Set<WgKey> present;
        private Optional<WgKey> own;
        private List<Step> plan;
        private List<Peer> replaced = List.of();

        private Run(int maxPeers, UapiDevice device, UapiRequest.Set request) {
            this.maxPeers = maxPeers;
            this.device = device;
            this.request = request;
        }

        /**
         * Works until the request is fully applied or {@code System.nanoTime()} passes {@code deadlineNanos} (at
         * least one step per call).
         *
         * @return whether the request is now fully applied
         * @throws UapiException if the request cannot be applied (from the plan or the socket settings); then
         *     nothing has changed
         */
        public boolean step(long deadlineNanos) throws UapiException {
            Engine engine = device.engine();
            do {
                switch (phase) {
                    case PRESENT -> collectPresent(engine);
                    case PLAN -> planNext();
                    case SETTINGS -> applySettings(engine);
                    case REMOVE -> {
                        if (next < replaced.size()) {
                            engine.removePeer(replaced.get(next++));
                            summary.removed(1);
                        } else {
                            next = 0;
                            phase = Phase.APPLY;
                        }
                    }
                    case APPLY -> {
                        if (next < plan.size()) {
                            Step step = plan.get(next++);
                            applyStep(engine, step, summary);
                            if (step.action() == Action.UPDATE && step.update().endpoint().isPresent()) {
                                device.onEndpointSet(engine.peer(step.update().publicKey().bytes()));
                            }
                        } else {
                            phase = Phase.DONE;
                            device.onConfigurationApplied();
                        }
                    }
                    case DONE -> {
                        return true;
                    }
                }
            } while (System.nanoTime() - deadlineNanos < 0);
            return phase == Phase.DONE;
        }

        /** The keys of the peers present now, a peer per call. */
        private void collectPresent(Engine engine) {
            if (snapshot == null) {
                snapshot = List.copyOf(engine.peers());
                present = new HashSet<>(snapshot.size() * 2);
                return;
            }
            if (next < snapshot.size()) {
                present.add(WgKey.of(snapshot.get(next++).publicKey()));
                return;
            }
            own = Optional.ofNullable(engine.publicKey()).map(WgKey::of);
            Optional<WgKey> newPrivate = request.device().privateKey();
            if (newPrivate.isPresent()) {
                own = newPrivate.get().isZero() ? Optional.empty() : Optional.of(newPrivate.get().publicKey());
                own.ifPresent(present::remove); // the engine drops a peer that has our new public key
            }
            if (request.device().replacePeers()) {
                present.clear();
            }
            plan = new ArrayList<>(request.peers().size());
            next = 0;
            phase = Phase.PLAN;
        }

        /** Decides what one peer section does. */
        private void planNext() throws UapiException {
            if (next == request.peers().size()) {
                present = null;
                snapshot = null;
                next = 0;
                phase = Phase.SETTINGS;
                return;
            }
            PeerUpdate update = request.peers().get(next++);
            WgKey key = update.publicKey();
            Action action;
            if (own.isPresent() && own.get().equals(key)) {
                action = Action.IGNORE;
            } else if (update.remove()) {
                action = present.remove(key) ? Action.REMOVE : Action.IGNORE;
            } else if (present.contains(key)) {
                action = Action.UPDATE;
            } else if (update.updateOnly()) {
                action = Action.IGNORE;
            } else if (present.size() >= maxPeers) {
                throw UapiException.invalid("line " + update.line() + ": cannot add peer: too many peers (maximum "
                        + maxPeers + ")");
            } else {
                present.add(key);
                action = Action.CREATE;
            }
            plan.add(new Step(action, update));
        }

        /** The socket settings (which may fail, then nothing has changed), the private key and the peers replaced. */
        private void applySettings(Engine engine) throws UapiException {
            DeviceUpdate d = request.device();
            boolean fwmarkChanges = d.fwmark().isPresent() && d.fwmark().getAsInt() != device.fwmark();
            boolean portChanges = d.listenPort().isPresent()
                    && (d.listenPort().getAsInt() == 0 || d.listenPort().getAsInt() != device.listenPort());
            applySocketSettings(device, d, fwmarkChanges, portChanges);
            if (fwmarkChanges) {
                summary.fwmark(device.fwmark());
            }
            if (portChanges) {
                summary.listenPort(device.listenPort());
            }
            applyPrivateKey(engine, d, summary);
            if (d.replacePeers()) {
                replaced = List.copyOf(engine.peers());
            }
            next = 0;
            phase = Phase.REMOVE;
        }

        /** What changed; complete once {@link #step} returned true. */
        public SetSummary summary() {
            return summary.build();
        }
    }

    // ---------------------------------------------------------------- phase 2: socket settings

    private static void applySocketSettings(UapiDevice device, DeviceUpdate d, boolean fwmarkChanges,
                                            boolean portChanges) throws UapiException {
        int oldMark = device.fwmark();
        if (fwmarkChanges) {
            try {
                device.setFwmark(d.fwmark().getAsInt());
            } catch (SocketException e) {
                throw new UapiException(UapiException.EADDRINUSE,
                        "cannot set fwmark 0x" + Integer.toHexString(d.fwmark().getAsInt()) + ": " + e.getMessage());
            }
        }
        if (portChanges) {
            int port = d.listenPort().getAsInt();
            try {
                device.setListenPort(port);
            } catch (BindException | RuntimeException e) {
                if (fwmarkChanges) {
                    undoFwmark(device, oldMark);
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new UapiException(UapiException.EADDRINUSE,
                        "cannot bind listen port " + (port == 0 ? "(random)" : port) + ": " + e.getMessage());
            }
        }
    }

    private static void undoFwmark(UapiDevice device, int oldMark) {
        try {
            device.setFwmark(oldMark);
        } catch (SocketException | RuntimeException e) {
            LOG.log(Level.ERROR, "could not restore fwmark 0x" + Integer.toHexString(oldMark)
                    + " after a failed listen port change", e);
        }
    }

    // ---------------------------------------------------------------- phase 3: engine

    private static void applyPrivateKey(Engine engine, DeviceUpdate d, SetSummary.Builder summary) {
        if (d.privateKey().isEmpty()) {
            return;
        }
        WgKey key = d.privateKey().get();
        byte[] before = engine.privateKey();
        byte[] secret = key.bytes();
        try {
            if (key.isZero()) {
                if (before != null) {
                    summary.privateKey(SetSummary.KeyChange.REMOVED);
                }
                engine.setPrivateKey(null);
            } else {
                if (before == null || !Arrays.equals(before, secret)) {
                    summary.privateKey(SetSummary.KeyChange.SET);
                }
                int peersBefore = engine.peers().size();
                engine.setPrivateKey(secret);
                summary.removed(peersBefore - engine.peers().size());
            }
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (before != null) {
                Arrays.fill(before, (byte) 0);
            }
        }
    }

    private static void applyStep(Engine engine, Step step, SetSummary.Builder summary) {
        PeerUpdate update = step.update();
        byte[] publicKey = update.publicKey().bytes();
        switch (step.action()) {
            case CREATE -> {
                configure(engine, engine.addPeer(publicKey), update, summary);
                summary.added(1);
            }
            case UPDATE -> {
                if (configure(engine, engine.peer(publicKey), update, summary)) {
                    summary.changed(1);
                }
            }
            case REMOVE -> {
                engine.removePeer(engine.peer(publicKey));
                summary.removed(1);
            }
            case IGNORE -> summary.ignored(1);
        }
    }

    /** Applies a section's fields to {@code peer}; true if anything differs afterwards. */
    private static boolean configure(Engine engine, Peer peer, PeerUpdate update, SetSummary.Builder summary) {
        boolean changed = false;
        if (update.presharedKey().isPresent()) {
            byte[] before = peer.handshake().presharedKey();
            byte[] secret = update.presharedKey().get().bytes();
            changed |= !Arrays.equals(before, secret);
            peer.handshake().setPresharedKey(update.presharedKey().get().isZero() ? null : secret);
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(before, (byte) 0);
        }
        if (update.endpoint().isPresent()) {
            changed |= !update.endpoint().get().equals(peer.endpoint());
            peer.setEndpoint(update.endpoint().get());
        }
        if (update.persistentKeepaliveSeconds().isPresent()) {
            int seconds = update.persistentKeepaliveSeconds().getAsInt();
            changed |= seconds != peer.persistentKeepaliveSeconds();
            engine.setPersistentKeepalive(peer, seconds);
        }
        if (update.allowedIps().isEmpty()) {
            return changed;
        }
        Set<Prefix> before = new HashSet<>(engine.allowedIps(peer));
        for (AllowedIpChange change : update.allowedIps()) {
            switch (change.op()) {
                case ADD -> engine.addAllowedIp(peer, change.prefix());
                case REMOVE -> engine.removeAllowedIp(peer, change.prefix());
                case CLEAR -> engine.clearAllowedIps(peer);
            }
        }
        Set<Prefix> after = new HashSet<>(engine.allowedIps(peer));
        int added = (int) after.stream().filter(p -> !before.contains(p)).count();
        int removed = (int) before.stream().filter(p -> !after.contains(p)).count();
        summary.allowedIpsAdded(added);
        summary.allowedIpsRemoved(removed);
        return changed || added != 0 || removed != 0;
    }
}
