package io.wgate.core.peer;

import io.wgate.core.cookie.CookieGenerator;
import io.wgate.core.limit.KnownEndpoints;
import io.wgate.core.noise.Handshake;
import io.wgate.core.route.IndexEntry;
import io.wgate.core.session.Keypair;
import io.wgate.core.session.Keypairs;
import io.wgate.core.limit.KnownEndpoints;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Base64;

/**
 * One remote WireGuard endpoint: its static key and configuration, its handshake, keypairs,
 * timers, staged packets, current endpoint and traffic counters.
 *
 * <p>All mutation happens on the engine's owner thread. The counters are plain fields written there
 * and read by the metrics thread through the opaque accessors.
 */
public final class Peer implements IndexEntry {

    private static final VarHandle RX_BYTES;
    private static final VarHandle TX_BYTES;
    private static final VarHandle RX_PACKETS;
    private static final VarHandle TX_PACKETS;
    private static final VarHandle LAST_HANDSHAKE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RX_BYTES = lookup.findVarHandle(Peer.class, "rxBytes", long.class);
            TX_BYTES = lookup.findVarHandle(Peer.class, "txBytes", long.class);
            RX_PACKETS = lookup.findVarHandle(Peer.class, "rxPackets", long.class);
            TX_PACKETS = lookup.findVarHandle(Peer.class, "txPackets", long.class);
            LAST_HANDSHAKE = lookup.findVarHandle(Peer.class, "lastHandshakeEpochNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] publicKey;
    private final String name;
    private final Handshake handshake;
    private final CookieGenerator cookieGenerator;
    private final Keypairs keypairs = new Keypairs();
    private final PeerTimers timers = new PeerTimers();
    private final StagedPackets staged = new StagedPackets(StagedPackets.MAX_STAGED_PACKETS);

    private InetSocketAddress endpoint;
    private KnownEndpoints knownEndpoints;
    private int persistentKeepaliveSeconds;
    private boolean keepalivePending;
    private long lastSentHandshakeNanos;
    private boolean hasSentHandshake;
    private boolean removed;

    private long rxBytes;
    private long txBytes;
    private long rxPackets;
    private long txPackets;
    private long lastHandshakeEpochNanos;

    /** A peer with static public key {@code publicKey} (copied). */
    public Peer(byte[] publicKey) {
        this.publicKey = publicKey.clone();
        this.name = shortName(this.publicKey);
        this.handshake = new Handshake(this.publicKey);
        this.cookieGenerator = new CookieGenerator(this.publicKey);
    }

    /** wireguard-go's log form: the first and last four characters of the base64 public key. */
    static String shortName(byte[] publicKey) {
        String base64 = Base64.getEncoder().encodeToString(publicKey);
        return "peer(" + base64.substring(0, 4) + "…" + base64.substring(39, 43) + ")";
    }

    /** The static public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether this peer's public key equals {@code key}. */
    public boolean hasPublicKey(byte[] key) {
        return Arrays.equals(publicKey, key);
    }

    /** Short form for logs, never the full key. */
    public String name() {
        return name;
    }

    public Handshake handshake() {
        return handshake;
    }

    public CookieGenerator cookieGenerator() {
        return cookieGenerator;
    }

    public Keypairs keypairs() {
        return keypairs;
    }

    public PeerTimers timers() {
        return timers;
    }

    public StagedPackets staged() {
        return staged;
    }

    /** Where we send to: configured, or learned from the latest authenticated packet (roaming). */
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Sets where we send to; the engine's {@link KnownEndpoints}, if tracking this peer, learn of the change. */
    public void setEndpoint(InetSocketAddress endpoint) {
        if (knownEndpoints != null) {
            knownEndpoints.moved(this.endpoint, endpoint);
        }
        this.endpoint = endpoint;
    }

    /**
     * Reports this peer's endpoint, now and on every change, to {@code endpoints} (null: stop, and take the current
     * endpoint out of the previous set). Owner thread.
     */
    public void trackEndpointIn(KnownEndpoints endpoints) {
        if (knownEndpoints != null) {
            knownEndpoints.moved(endpoint, null);
        }
        knownEndpoints = endpoints;
        if (endpoints != null) {
            endpoints.moved(null, endpoint);
        }
    }

    /** Persistent keepalive interval in seconds, 0 when off. */
    public int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    /**
     * Sets the persistent keepalive interval (0..65535 s). Turning it on from off owes the peer one
     * keepalive at once. Call it through {@link io.wgate.core.Engine#setPersistentKeepalive}, which also
     * asks for the tick that sends that keepalive.
     */
    public void setPersistentKeepaliveSeconds(int seconds) {
        if (seconds < 0 || seconds > 65535) {
            throw new IllegalArgumentException("persistent keepalive must be 0..65535 seconds, got " + seconds);
        }
        if (persistentKeepaliveSeconds == 0 && seconds > 0) {
            keepalivePending = true;
        }
        persistentKeepaliveSeconds = seconds;
    }

    /** Consumes the "send a keepalive now" flag raised by enabling persistent keepalive. */
    public boolean takeKeepalivePending() {
        boolean pending = keepalivePending;
        keepalivePending = false;
        return pending;
    }

    /** Whether a keepalive is owed because persistent keepalive was just enabled. */
    public boolean isKeepalivePending() {
        return keepalivePending;
    }

    /** Whether an initiation or response was sent less than {@code intervalNanos} ago. */
    public boolean sentHandshakeWithin(long nowNanos, long intervalNanos) {
        return hasSentHandshake && nowNanos - lastSentHandshakeNanos < intervalNanos;
    }

    /** Records that a handshake message (initiation or response) went out now. */
    public void markHandshakeSent(long nowNanos) {
        lastSentHandshakeNanos = nowNanos;
        hasSentHandshake = true;
    }

    /** Forgets the last handshake send time, so the next initiation is not rate limited. */
    public void clearHandshakeSent() {
        hasSentHandshake = false;
    }

    /** Whether the peer was removed from its engine (late references must not act on it). */
    public boolean isRemoved() {
        return removed;
    }

    public void markRemoved() {
        removed = true;
    }

    // ---------------------------------------------------------------- counters

    /**
     * Counts one authenticated datagram of {@code bytes} UDP payload received from this peer (transport data,
     * keepalive or handshake message). Owner thread only.
     */
    public void addRxBytes(int bytes) {
        rxBytes += bytes;
        rxPackets++;
    }

    /**
     * Counts {@code bytes} of UDP payload sent to this peer: called once the outbox has queued the datagram,
     * so a datagram dropped for backpressure is not counted (as wireguard-go counts after a successful send).
     * Counts one datagram. Owner thread only.
     */
    public void addTxBytes(int bytes) {
        txBytes += bytes;
        txPackets++;
    }

    /** Records the wall-clock time of a completed handshake. Owner thread only. */
    public void setLastHandshakeEpochNanos(long epochNanos) {
        lastHandshakeEpochNanos = epochNanos;
    }

    /** UDP payload bytes received from this peer (handshakes included); any thread. */
    public long rxBytes() {
        return (long) RX_BYTES.getOpaque(this);
    }

    /** UDP payload bytes sent to this peer (handshakes included); any thread. */
    public long txBytes() {
        return (long) TX_BYTES.getOpaque(this);
    }

    /** Datagrams received from this peer (those counted in {@link #rxBytes()}); any thread. */
    public long rxPackets() {
        return (long) RX_PACKETS.getOpaque(this);
    }

    /** Datagrams sent to this peer (those counted in {@link #txBytes()}); any thread. */
    public long txPackets() {
        return (long) TX_PACKETS.getOpaque(this);
    }

    /** Wall-clock nanoseconds of the latest completed handshake, 0 if none; any thread. */
    public long lastHandshakeEpochNanos() {
        return (long) LAST_HANDSHAKE.getOpaque(this);
    }

    @Override
    public String toString() {
        return name;
    }

    /** As an index entry, a peer stands for its handshake in progress. */
    @Override
    public Peer handshakePeer() {
        return this;
    }

    @Override
    public Keypair keypair() {
        return null;
    }

    @Override
    public Peer owner() {
        return this;
    }
}
