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

    @Test
    void changesCountsJoiningAndLeavingEndpointsOnly() {
        KnownEndpoints known = new KnownEndpoints();
        Peer p = peer(1);
        Peer q = peer(2);
        p.trackEndpointIn(known);
        q.trackEndpointIn(known);
        long before = known.changes();
        p.setEndpoint(A);
        assertEquals(before + 1, known.changes(), "A joined");
        q.setEndpoint(A);
        assertEquals(before + 1, known.changes(), "A was there already");
        p.setEndpoint(B);
        assertEquals(before + 2, known.changes(), "B joined, A stays for q");
        q.setEndpoint(A_OTHER_PORT);
        assertEquals(before + 4, known.changes(), "A left, A on another port joined");
        p.setEndpoint(B);
        assertEquals(before + 4, known.changes(), "no move");
    }

    @Test
    void addressesAreDistinctSortedAndCapped() throws Exception {
        KnownEndpoints known = new KnownEndpoints();
        String[] endpoints = {"[2001:db8::2]:1", "198.51.100.7:2", "192.0.2.1:51820", "192.0.2.1:51821",
            "[2001:db8::1]:3", "203.0.113.9:4"};
        for (int i = 0; i < endpoints.length; i++) {
            Peer peer = peer(i + 1);
            peer.trackEndpointIn(known);
            String e = endpoints[i];
            int colon = e.lastIndexOf(':');
            peer.setEndpoint(new InetSocketAddress(e.substring(0, colon).replace("[", "").replace("]", ""),
                    Integer.parseInt(e.substring(colon + 1))));
        }
        assertEquals(java.util.List.of(java.net.InetAddress.getByName("192.0.2.1"),
                java.net.InetAddress.getByName("198.51.100.7"), java.net.InetAddress.getByName("203.0.113.9"),
                java.net.InetAddress.getByName("2001:db8::1"), java.net.InetAddress.getByName("2001:db8::2")),
                known.addresses(10), "IPv4 first, each address once, in byte order");
        assertEquals(known.addresses(10).subList(0, 2), known.addresses(2));
        assertEquals(0, known.addresses(0).size());
    }
}
