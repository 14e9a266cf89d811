package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.wgate.core.cookie.CookieChecker;
import io.wgate.core.limit.HandshakeQueue;
import io.wgate.core.limit.CookieReplyLimiter;
import io.wgate.core.limit.HandshakeRateLimiter;
import io.wgate.core.limit.KnownEndpoints;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.route.AllowedIps;
import io.wgate.core.route.IndexEntry;
import io.wgate.core.route.IndexTable;
import io.wgate.core.route.PeerTable;
import io.wgate.core.route.Prefix;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.Bytes;
import io.wgate.crypto.X25519;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WireGuard device without I/O: the sans-IO protocol engine. Its inputs are {@link #onDatagram} (a UDP payload
 * from the network; an I/O layer that reads the message type itself calls {@link #onTransportData} or
 * {@link #onControlMessage} instead), {@link #onTunnelPacket} (an IP packet from the TUN device) and {@link #onTick}
 * (time passed), plus {@link #onCryptoDone} when a {@link CryptoQueue} is set. It writes everything it produces to
 * an {@link Outbox} the caller owns, so the I/O layer batches and flushes.
 *
 * <p>Transport data is processed as it arrives. Handshake messages are queued and processed by
 * {@link #onTick} with a budget, so a flood of handshakes delays handshakes, never data; the queue
 * depth is the "under load" signal that switches on cookies. The caller schedules ticks at
 * {@link #nextDeadlineNanos()}.
 *
 * <p>Sealing and opening run inline by default. With a {@link CryptoQueue} ({@link #setCryptoQueue}) the engine still
 * does every sequential step itself and submits only the AEAD work; the caller hands each job back through
 * {@link #onCryptoDone}, in submission order, which finishes it (sends the datagram; or replay window, timers and the
 * AllowedIPs check of the plaintext).
 *
 * <p>Single-threaded: every method must be called from the one owner thread (an event loop);
 * the counters ({@link #drops()}, the peers' byte counts) may be read from any thread.
 */
public final class Engine {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    final EngineConfig config;
    final DropCounters drops = new DropCounters();
    final EngineCounters counters = new EngineCounters();
    final PeerTable peers = new PeerTable();
    final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    /** Receiver index to a {@link Peer} (its handshake in progress) or a {@link Keypair}. */
    final IndexTable<IndexEntry> indices = new IndexTable<>();
    final CookieChecker cookieChecker;
    final HandshakeRateLimiter rateLimiter = new HandshakeRateLimiter();
    final CookieReplyLimiter cookieReplyLimiter = new CookieReplyLimiter();
    /** Our peers' endpoints: under load, their initiations skip the cookie round trip (see {@link KnownEndpoints}). */
    final KnownEndpoints knownEndpoints = new KnownEndpoints();
    /** The rate limit of initiations let through by {@link #knownEndpoints} without a valid mac2. */
    final HandshakeRateLimiter knownEndpointLimiter = new HandshakeRateLimiter();
    final HandshakeQueue handshakeQueue;
    final Consumer<Keypair> retireKeypair = this::retireKeypair;
    final TransportSender sender;
    final TransportReceiver receiver;
    final HandshakeProcessor handshakes;
    final LoadEpisode load = new LoadEpisode(this);

    StaticIdentity identity;
    int mtu;
    /** Where sealing and opening go; null: inline on the owner thread. */
    /**
     * How many times the configured budget of handshake messages a tick takes when their Diffie-Hellman runs on a
     * worker ({@link HandshakeJobs}): each then costs the owner a mac1 check and a copy, not an X25519, and a flood
     * must not overflow the queue while the loop is idling on a small budget.
     */
    static final int OFFLOADED_BUDGET_FACTOR = 8;

    CryptoQueue cryptoQueue;
    HandshakeJobs handshakeJobs;
    private long earliestDeadlineNanos = Long.MAX_VALUE;
    private boolean tickDue;
    /** A peer is owed an action at the next tick (a keepalive, a staged flush) regardless of deadlines. */
    private boolean peersOwedWork;
    /** A new private key: staged packets go out (or start a handshake) at the next tick. */
    private boolean stagedFlushOwed;

    /** An engine with no identity and no peers. */
    public Engine(EngineConfig config) {
        this.config = config;
        this.mtu = config.mtu();
        this.cookieChecker = new CookieChecker(config.entropy());
        this.handshakeQueue = new HandshakeQueue(config.handshakeQueueCapacity());
        this.sender = new TransportSender(this);
        this.receiver = new TransportReceiver(this);
        this.handshakes = new HandshakeProcessor(this);
    }

    // ================================================================ the inputs

    /**
     * A UDP payload arrived from {@code source}. Takes ownership of {@code datagram}. Transport data
     * is decrypted and routed now (the plaintext goes to {@link Outbox#writeToTunnel}); handshake messages are
     * queued for {@link #onTick}.
     */
    public void onDatagram(long nowNanos, ByteBuf datagram, InetSocketAddress source, Outbox out) {
        int type = MessageType.of(datagram);
        if (type == MessageType.TRANSPORT) {
            ByteBuf plaintext = receiver.receive(nowNanos, datagram, source, out);
            if (plaintext != null) {
                out.writeToTunnel(plaintext);
            }
            return;
        }
        onControlMessage(type, datagram, source);
    }

    /**
     * Transport data (a datagram that {@link MessageType#of} classified as {@link MessageType#TRANSPORT}) from
     * {@code source}: authenticated, decrypted in place and checked against the sender's AllowedIPs. Takes ownership
     * of {@code datagram}.
     *
     * @return the plaintext IP packet for the tunnel (a slice of the datagram's buffer, now the caller's), or null:
     *     dropped (counted), a keepalive, or submitted to the {@link CryptoQueue} (see {@link #onCryptoDone})
     */
    public ByteBuf onTransportData(long nowNanos, ByteBuf datagram, InetSocketAddress source, Outbox out) {
        return receiver.receive(nowNanos, datagram, source, out);
    }

    /**
     * Anything but transport data, of {@code type} as {@link MessageType#of} read it: a handshake message is queued
     * for {@link #onTick}; an invalid one is counted and released. Takes ownership of {@code datagram}, which must
     * not pin a larger receive buffer (copy it out first): queued messages can wait.
     */
    public void onControlMessage(int type, ByteBuf datagram, InetSocketAddress source) {
        if (type == MessageType.INVALID) {
            drops.count(MessageType.hasValidHeader(datagram)
                    ? DropReason.INVALID_MESSAGE_LENGTH : DropReason.MALFORMED_HEADER);
            datagram.release();
            return;
        }
        if (!handshakeQueue.offer(datagram, source)) {
            drops.count(DropReason.HANDSHAKE_QUEUE_FULL);
            counters.countHandshakeFailure(DropReason.HANDSHAKE_QUEUE_FULL);
            datagram.release();
            return;
        }
        tickDue = true;
    }

    /**
     * A job submitted to the {@link CryptoQueue} was run by a worker; call it for every job, in submission order,
     * after recording what the worker's {@link CryptoJob#run} returned with {@link CryptoJob#finish} (a job never
     * finished counts as failed and is dropped). A sealed message goes to {@code out}; an opened one passes the replay
     * window, timers and the AllowedIPs check. Clears the job.
     *
     * @return the plaintext IP packet for the tunnel (now the caller's), or null
     */
    public ByteBuf onCryptoDone(long nowNanos, CryptoJob job, Outbox out) {
        ByteBuf plaintext = null;
        if (job.kind() == CryptoJob.SEAL) {
            if (job.succeeded()) {
                sender.transmit(job.keypair().peer(), job.buffer(), job.address(), out);
            } else {
                drops.count(DropReason.ENCRYPTION_FAILED);
                job.buffer().release();
            }
        } else {
            plaintext = receiver.complete(nowNanos, job, out);
        }
        job.clear();
        return plaintext;
    }

    /**
     * Hands sealing and opening to {@code queue} from now on (null: inline, on the owner thread, the default). Set it
     * before traffic flows; retired keypairs are then destroyed by the queue once no job in flight uses them.
     */
    public void setCryptoQueue(CryptoQueue queue) {
        cryptoQueue = queue;
    }

    /**
     * Hands the Diffie-Hellman work of initiations to {@code jobs} from now on (null: inline, on the owner thread,
     * the default). Set it before traffic flows; when taking it away, complete or {@link #discardHandshakeJob discard}
     * every job in flight.
     */
    public void setHandshakeJobs(HandshakeJobs jobs) {
        handshakeJobs = jobs;
    }

    /**
     * A job submitted to the {@link HandshakeJobs} was run by a worker: finishes the initiation (the peer's timestamp
     * and flood rules, the response, the new session) unless our private key changed meanwhile. Clears the job.
     */
    public void onHandshakeDone(long nowNanos, HandshakeJob job, Outbox out) {
        try {
            handshakes.finishInitiation(nowNanos, job, out);
        } finally {
            job.clear();
        }
    }

    /** A job that will not be completed (the workers stopped): wipes it. */
    public void discardHandshakeJob(HandshakeJob job) {
        job.clear();
    }

    /** Handshake initiations waiting for a worker's Diffie-Hellman, counted towards the under-load depth. */
    int handshakeBacklog() {
        return handshakeJobs == null ? 0 : handshakeJobs.backlog();
    }

    /**
     * An IP packet was read from the tunnel. Takes ownership of {@code packet}; its readable bytes
     * are one IPv4 or IPv6 packet. When the buffer has {@value io.wgate.core.wire.Transport#HEADER_LENGTH}
     * bytes of headroom before the reader index and room for padding plus the tag after it, the packet
     * is framed and encrypted in place; otherwise it is copied once.
     */
    public void onTunnelPacket(long nowNanos, ByteBuf packet, Outbox out) {
        sender.send(nowNanos, packet, out);
    }

    /**
     * Time passed: processes queued handshake messages (at most the configured budget) and every
     * timer due at {@code nowNanos}: retransmissions, keepalives, new handshakes, key zeroing.
     */
    public void onTick(long nowNanos, Outbox out) {
        tickDue = false;
        int budget = handshakeJobs == null ? config.handshakesPerTick()
                : config.handshakesPerTick() * OFFLOADED_BUDGET_FACTOR;
        while (budget-- > 0 && handshakeQueue.poll()) {
            ByteBuf message = handshakeQueue.polledMessage();
            load.countMessage();
            try {
                handshakes.process(nowNanos, message, handshakeQueue.polledSender(), out);
            } finally {
                message.release();
            }
        }
        if (peersOwedWork || nowNanos >= earliestDeadlineNanos) {
            // Only when something is owed or due: handshake-only ticks (a flood) do not scan every peer.
            scanPeers(nowNanos, out);
        }
        if (!handshakeQueue.isEmpty()) {
            tickDue = true;
        }
        if (load.active() && !handshakeQueue.isUnderLoad(nowNanos, handshakeBacklog())) {
            load.end(nowNanos);
        }
    }

    /** Runs every due timer and owed action of every peer, and recomputes the earliest deadline. */
    private void scanPeers(long nowNanos, Outbox out) {
        boolean flushStaged = stagedFlushOwed;
        peersOwedWork = false;
        stagedFlushOwed = false;
        long earliest = Long.MAX_VALUE;
        List<Peer> all = peers.all();
        for (int i = 0; i < all.size(); i++) {
            Peer peer = all.get(i);
            if (flushStaged && !peer.staged().isEmpty()) {
                sender.sendStaged(nowNanos, peer, out);
            }
            if (peer.takeKeepalivePending()) {
                sender.sendKeepalive(nowNanos, peer, out);
            }
            if (peer.timers().expire(nowNanos) != 0) {
                onTimersFired(nowNanos, peer, out);
            }
            earliest = Math.min(earliest, peer.timers().nextDeadlineNanos());
        }
        earliestDeadlineNanos = earliest;
    }

    /**
     * When {@link #onTick} should run next: {@link Long#MIN_VALUE} when work is waiting now (queued
     * handshakes, an owed keepalive), {@link Long#MAX_VALUE} when nothing is scheduled. May be early
     * (a tick that finds nothing due is harmless), never late.
     */
    public long nextDeadlineNanos() {
        if (tickDue) {
            return Long.MIN_VALUE;
        }
        // While under load, a tick when it would end, so the episode's end is logged then, not at some later tick.
        return load.active() ? Math.min(earliestDeadlineNanos, handshakeQueue.underLoadUntilNanos())
                : earliestDeadlineNanos;
    }

    // ================================================================ timers (whitepaper §6)

    private void onTimersFired(long nowNanos, Peer peer, Outbox out) {
        PeerTimers timers = peer.timers();
        if (timers.takeFired(PeerTimers.RETRANSMIT_HANDSHAKE)) {
            if (timers.handshakeAttempts() > Protocol.MAX_TIMER_HANDSHAKES) {
                LOG.log(Level.WARNING, "{0} - Handshake did not complete after {1} attempts, giving up",
                        peer.name(), Protocol.MAX_TIMER_HANDSHAKES + 2);
                counters.count(EngineEvent.HANDSHAKE_TIMED_OUT);
                timers.cancel(PeerTimers.SEND_KEEPALIVE);
                drops.count(DropReason.STAGED_PACKETS_EXPIRED, peer.staged().clear());
                if (!timers.isPending(PeerTimers.ZERO_KEY_MATERIAL)) {
                    timers.arm(PeerTimers.ZERO_KEY_MATERIAL, nowNanos + Protocol.ZERO_KEY_MATERIAL_AFTER_NANOS);
                }
            } else {
                int attempt = timers.incrementHandshakeAttempts();
                LOG.log(Level.DEBUG, "{0} - Handshake did not complete after 5 seconds, retrying (try {1})",
                        peer.name(), attempt + 1);
                handshakes.sendInitiation(nowNanos, peer, true, out);
            }
        }
        if (timers.takeFired(PeerTimers.SEND_KEEPALIVE)) {
            sender.sendKeepalive(nowNanos, peer, out);
            if (timers.takeNeedAnotherKeepalive()) {
                timers.arm(PeerTimers.SEND_KEEPALIVE, nowNanos + Protocol.KEEPALIVE_TIMEOUT_NANOS);
            }
        }
        if (timers.takeFired(PeerTimers.NEW_HANDSHAKE)) {
            LOG.log(Level.DEBUG, "{0} - Retrying handshake because we stopped hearing back after 15 seconds",
                    peer.name());
            handshakes.sendInitiation(nowNanos, peer, false, out);
        }
        if (timers.takeFired(PeerTimers.ZERO_KEY_MATERIAL)) {
            LOG.log(Level.INFO, "{0} - Removing all keys, since we haven''t received a new one in 540 seconds",
                    peer.name());
            zeroKeyMaterial(peer);
        }
        if (timers.takeFired(PeerTimers.PERSISTENT_KEEPALIVE) && peer.persistentKeepaliveSeconds() > 0) {
            sender.sendKeepalive(nowNanos, peer, out);
        }
    }

    /** Lowers the cached next deadline if {@code peer} now has an earlier one. */
    void noteDeadline(Peer peer) {
        long deadline = peer.timers().nextDeadlineNanos();
        if (deadline < earliestDeadlineNanos) {
            earliestDeadlineNanos = deadline;
        }
    }

    // ================================================================ configuration

    /**
     * Sets our static private key ({@code null} or all zero removes it; the engine keeps a copy, the
     * caller may wipe {@code privateKey}). Peers keep their configuration but lose their sessions, and a
     * peer whose public key equals our new public key is removed, as wireguard-go does. The key replaced
     * is wiped.
     */
    public void setPrivateKey(byte[] privateKey) {
        boolean none = privateKey == null || Bytes.isAllZero(privateKey);
        // Compared through the public key, as wireguard-go does; no second copy of the private key is made.
        if (identity != null && !none && identity.hasPublicKey(X25519.publicKey(privateKey))) {
            return;
        }
        StaticIdentity old = identity;
        identity = none ? null : StaticIdentity.of(privateKey);
        if (old != null) {
            old.wipe();
        }
        if (identity != null) {
            Peer self = peers.get(identity.publicKey());
            if (self != null) {
                LOG.log(Level.WARNING, "{0} - Removing peer: its public key is our own", self.name());
                removePeer(self);
            }
        }
        cookieChecker.setIdentity(identity);
        List<Peer> all = peers.all();
        for (int i = 0; i < all.size(); i++) {
            Peer peer = all.get(i);
            releaseHandshakeIndex(peer);
            peer.handshake().setIdentity(identity);
            peer.keypairs().expireForSending();
            peer.clearHandshakeSent();
        }
        if (identity != null) {
            // As the kernel does on a new identity: packets that waited go out now (via a new handshake).
            stagedFlushOwed = true;
            peersOwedWork = true;
            tickDue = true;
        }
    }

    /** Our static private key (a copy), or null when none is set. For configuration read-back only. */
    public byte[] privateKey() {
        return identity == null ? null : identity.privateKey().clone();
    }

    /** Our static public key, or null when no private key is set. */
    public byte[] publicKey() {
        return identity == null ? null : identity.publicKey();
    }

    /**
     * Adds a peer with {@code publicKey}. Rejects our own public key and a key already present.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public Peer addPeer(byte[] publicKey) {
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("a peer public key must be 32 bytes");
        }
        if (identity != null && identity.hasPublicKey(publicKey)) {
            throw new IllegalArgumentException("a peer cannot have our own public key");
        }
        if (peers.size() >= Protocol.MAX_PEERS) {
            throw new IllegalArgumentException("too many peers (maximum " + Protocol.MAX_PEERS + ")");
        }
        Peer peer = new Peer(publicKey);
        if (!peers.add(peer)) {
            throw new IllegalArgumentException("peer " + peer.name() + " already exists");
        }
        peer.handshake().setIdentity(identity);
        peer.trackEndpointIn(knownEndpoints);
        return peer;
    }

    /** The peer with {@code publicKey}, or null. */
    public Peer peer(byte[] publicKey) {
        return peers.get(publicKey);
    }

    /** All peers in the order they were added; unmodifiable, valid until the next change. */
    public List<Peer> peers() {
        return peers.all();
    }

    /** Removes {@code peer}: its routes, sessions, handshake, staged packets and timers. */
    public void removePeer(Peer peer) {
        if (!peers.remove(peer)) {
            return;
        }
        peer.trackEndpointIn(null);
        allowedIps.removeAll(peer);
        zeroKeyMaterial(peer);
        peer.handshake().wipeKeys();
        peer.timers().cancelAll();
        counters.retire(peer);
        peer.markRemoved();
    }

    /**
     * Sets a peer's persistent keepalive interval; switching it on from off sends a keepalive at the
     * next tick (which {@link #nextDeadlineNanos()} then asks for at once).
     */
    public void setPersistentKeepalive(Peer peer, int seconds) {
        peer.setPersistentKeepaliveSeconds(seconds);
        if (peer.isKeepalivePending()) {
            peersOwedWork = true;
            tickDue = true;
        }
    }

    /** Routes {@code prefix} to {@code peer} (moving it from any other peer). */
    public void addAllowedIp(Peer peer, Prefix prefix) {
        allowedIps.insert(prefix, peer);
    }

    /** Removes {@code prefix} from {@code peer}'s allowed IPs; false if the peer did not own it. */
    public boolean removeAllowedIp(Peer peer, Prefix prefix) {
        return allowedIps.remove(prefix, peer);
    }

    /** Removes all of {@code peer}'s allowed IPs. */
    public void clearAllowedIps(Peer peer) {
        allowedIps.removeAll(peer);
    }

    /** {@code peer}'s allowed IPs, sorted. */
    public List<Prefix> allowedIps(Peer peer) {
        return allowedIps.prefixesOf(peer);
    }

    /** The tunnel MTU used to bound padding. */
    public int mtu() {
        return mtu;
    }

    /** Changes the tunnel MTU (0 = unbounded padding). */
    public void setMtu(int newMtu) {
        mtu = EngineConfig.requireValidMtu(newMtu);
    }

    /** Our peers' current endpoints (the I/O layer's priority lane for their handshakes reads it). Owner thread. */
    public KnownEndpoints knownEndpoints() {
        return knownEndpoints;
    }

    /** Per-reason counts of discarded packets. */
    public DropCounters drops() {
        return drops;
    }

    /** Protocol events (handshakes, cookies, rekeys, roaming) and removed peers' traffic. */
    public EngineCounters counters() {
        return counters;
    }

    /**
     * Whether the engine is under load at {@code nowNanos} (the handshake queue is, or was less than a second ago,
     * at an eighth of its capacity: handshakes then need a valid mac2 and are rate limited). Owner thread only.
     */
    public boolean isUnderLoad(long nowNanos) {
        return handshakeQueue.isUnderLoad(nowNanos, handshakeBacklog());
    }

    /** Handshake messages waiting for {@link #onTick}. */
    public int queuedHandshakes() {
        return handshakeQueue.size();
    }

    /**
     * Releases every buffer the engine holds (queued handshakes, staged packets) and wipes all keys: our
     * private key, every session, handshake, preshared key and static-static DH.
     */
    public void close() {
        handshakeQueue.clear();
        List<Peer> all = peers.all();
        for (int i = 0; i < all.size(); i++) {
            zeroKeyMaterial(all.get(i));
            all.get(i).handshake().wipeKeys();
        }
        if (identity != null) {
            identity.wipe();
        }
    }

    // ================================================================ shared helpers

    /** Erases a peer's sessions and handshake and drops its staged packets. */
    void zeroKeyMaterial(Peer peer) {
        peer.keypairs().clear(retireKeypair);
        releaseHandshakeIndex(peer);
        peer.handshake().clear();
        drops.count(DropReason.STAGED_PACKETS_EXPIRED, peer.staged().clear());
    }

    /** Frees the index of the peer's handshake in progress, if it has one. */
    void releaseHandshakeIndex(Peer peer) {
        if (peer.handshake().hasLocalIndex()) {
            indices.remove(peer.handshake().localIndex(), peer);
            peer.handshake().releaseLocalIndex();
        }
    }

    private void retireKeypair(Keypair keypair) {
        indices.remove(keypair.localIndex(), keypair);
        if (cryptoQueue != null) {
            cryptoQueue.retire(keypair); // a worker may still be sealing or opening with it
        } else {
            keypair.destroy();
        }
    }
}
