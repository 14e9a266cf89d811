package io.wgate.metrics;

import io.wgate.tun.TunCounters;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A running gateway as the metrics see it. The server implements it over its data plane; tests over a fake.
 * Everything here may be called from the metrics loop: {@link #snapshot} hands its work to the engine's loop,
 * the rest reads volatile fields or counters with opaque reads.
 */
public interface GatewaySource {

    /** The interface name, the {@code interface} label of every series. */
    String interfaceName();

    /** The ChaCha20-Poly1305 implementation in use ({@code openssl}, {@code jdk}). */
    String aeadName();

    /**
     * Takes a snapshot on the engine's event loop (one task) with at most {@code peerLimit} peers in detail; the
     * future completes there, or exceptionally when the loop is gone.
     */
    CompletableFuture<GatewaySnapshot> snapshot(int peerLimit);

    /** The TUN channel's counters, or null before it is open. */
    TunCounters tunCounters();

    /** Datagrams dropped because the UDP socket's queue was full. */
    long udpBackpressureDrops();

    /** Packets dropped because the TUN device's queue was full. */
    long tunBackpressureDrops();

    /** Datagrams the UDP socket failed to send (no route, unreachable). */
    long udpSendFailures();

    /** Datagrams the kernel dropped at the data socket because its receive queue was full; 0 by default. */
    default long udpDataSocketOverflows() {
        return 0;
    }

    /** Datagrams the kernel dropped at the handshake socket (a flood overflowing it); 0 by default. */
    default long udpHandshakeSocketOverflows() {
        return 0;
    }

    /** Endpoints moved because a peer's host name now resolves elsewhere (re-resolution); 0 by default. */
    default long endpointReresolutions() {
        return 0;
    }

    /** Whether the TUN device is open and active. */
    boolean tunUp();

    /** Whether the UDP socket is bound. */
    boolean udpBound();

    /** The threads of the gateway's event loops by role ({@code engine}, {@code tun}), for their CPU time. */
    Map<String, Thread> loopThreads();
}
