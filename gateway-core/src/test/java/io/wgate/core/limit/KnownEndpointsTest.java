package io.wgate.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.peer.Peer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@link KnownEndpoints} follows the peers' endpoints: set, moved, shared by two peers, and untracked. */
class KnownEndpointsTest {

    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 51820);
    private static final InetSocketAddress A_OTHER_PORT = new InetSocketAddress("192.0.2.1", 51821);

    private static Peer peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return new Peer(key);
    }

    @Test
    void followsEveryChangeOfATrackedPeer() {
        KnownEndpoints known = new KnownEndpoints();
        Peer p = peer(1);
        p.setEndpoint(A); // before tracking: counted when tracking starts
        p.trackEndpointIn(known);
        assertTrue(known.contains(A));
        assertFalse(known.contains(A_OTHER_PORT), "address and port, not the address alone");
        p.setEndpoint(B);
        assertFalse(known.contains(A));
        assertTrue(known.contains(B));
        p.setEndpoint(null);
        assertEquals(0, known.size());
    }

    @Test
    void anEndpointSharedByTwoPeersStaysUntilBothLeftIt() {
        KnownEndpoints known = new KnownEndpoints();
        Peer p = peer(1);
        Peer q = peer(2);
        p.trackEndpointIn(known);
        q.trackEndpointIn(known);
        p.setEndpoint(A);
        q.setEndpoint(A);
        p.setEndpoint(B);
        assertTrue(known.contains(A), "q is still there");
        q.trackEndpointIn(null); // q removed
        assertFalse(known.contains(A));
        assertTrue(known.contains(B));
        assertEquals(1, known.size());
        q.setEndpoint(A); // an untracked peer changes nothing
        assertFalse(known.contains(A));
    }
}
