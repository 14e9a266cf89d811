package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.WgQuickConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The re-resolution rules with a hand clock, a fake resolver and lookups that run only when the test says so (so
 * that a packet can "roam" the peer while its lookup is in flight).
 */
class EndpointRefresherTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long INTERVAL = 300 * SECOND;
    private static final Endpoint NAME = Endpoint.parse("far.example.net:51820");
    private static final InetSocketAddress A = new InetSocketAddress(address("192.0.2.1"), 51820);
    private static final InetSocketAddress B = new InetSocketAddress(address("192.0.2.7"), 51820);
    private static final InetSocketAddress ROAMED = new InetSocketAddress(address("203.0.113.9"), 40000);

    private final Map<String, List<InetAddress>> dns = new HashMap<>();
    private final Queue<Runnable> pendingLookups = new ArrayDeque<>();
    private final List<String> lookedUp = new ArrayList<>();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger logger = Logger.getLogger(Gateway.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord entry) {
            logged.add(entry);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Peer peer;

    @BeforeEach
    void setUp() {
        logger.addHandler(capture);
        peer = new Peer(new byte[32]);
        peer.setEndpoint(A);
        dns.put(NAME.host(), List.of(A.getAddress()));
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
    }

    private EndpointRefresher refresher(long intervalNanos) {
        EndpointRefresher.Lookup lookup = host -> {
            lookedUp.add(host);
            List<InetAddress> answer = dns.get(host);
            if (answer == null) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
            return answer;
        };
        EndpointRefresher refresher = new EndpointRefresher("wgt0", lookup, pendingLookups::add, Runnable::run,
                intervalNanos);
        refresher.track(peer, NAME, "Far Office", 0);
        return refresher;
    }

    private void runLookups() {
        Runnable next;
        while ((next = pendingLookups.poll()) != null) {
            next.run();
        }
    }

    private void attemptingHandshake() {
        peer.timers().arm(PeerTimers.RETRANSMIT_HANDSHAKE, Long.MAX_VALUE);
    }

    private static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void aPeriodicLookupMovesTheEndpointToTheNamesNewAddressAndSaysSoOnce() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(INTERVAL - 1);
        assertTrue(pendingLookups.isEmpty(), "a lookup before the interval is up");
        refresher.poll(INTERVAL);
        assertEquals(1, pendingLookups.size());
        runLookups();
        assertEquals(B, peer.endpoint());
        assertEquals(1, refresher.changes());
        List<String> lines = logged.stream().map(r -> java.text.MessageFormat.format(r.getMessage(),
                r.getParameters())).toList();
        assertEquals(List.of("wgt0: peer Far Office endpoint far.example.net re-resolved: 192.0.2.1:51820"
                + " -> 192.0.2.7:51820"), lines);

        refresher.poll(2 * INTERVAL - 1);
        assertTrue(pendingLookups.isEmpty());
        refresher.poll(2 * INTERVAL);
        runLookups();
        assertEquals(B, peer.endpoint());
        assertEquals(1, refresher.changes(), "an unchanged answer changes nothing");
        assertEquals(1, logged.size(), "an unchanged answer logs nothing");
    }

    @Test
    void withoutAnIntervalOnlyAStaleTunnelWithAnInitiationWaitingIsLookedUp() {
        EndpointRefresher refresher = refresher(0);
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(INTERVAL * 10);
        assertTrue(pendingLookups.isEmpty(), "stale but no handshake attempt: idle tunnels are left alone");
        attemptingHandshake();
        refresher.poll(EndpointRefresher.STALE_HANDSHAKE_NANOS);
        assertTrue(pendingLookups.isEmpty(), "the start-up's answer counts as fresh for 135 s");
        refresher.poll(EndpointRefresher.STALE_HANDSHAKE_NANOS + 1);
        assertEquals(1, pendingLookups.size());
        runLookups();
        assertEquals(B, peer.endpoint());
    }

    @Test
    void aNewHandshakeMakesTheTunnelFreshAgain() {
        EndpointRefresher refresher = refresher(0);
        attemptingHandshake();
        peer.setLastHandshakeEpochNanos(1_700_000_000L * SECOND);
        refresher.poll(100 * SECOND); // the handshake is seen here
        refresher.poll(235 * SECOND);
        assertTrue(pendingLookups.isEmpty(), "135 s after the handshake was seen, not yet stale");
        refresher.poll(236 * SECOND);
        assertEquals(1, pendingLookups.size());
    }

    @Test
    void staleTunnelLookupsOfOnePeerAreAtLeastFifteenSecondsApartAndOneAtATime() {
        EndpointRefresher refresher = refresher(0);
        attemptingHandshake();
        long first = EndpointRefresher.STALE_HANDSHAKE_NANOS + SECOND;
        refresher.poll(first);
        refresher.poll(first + 60 * SECOND);
        assertEquals(1, pendingLookups.size(), "a second lookup while the first is in flight");
        runLookups();
        long second = first + 60 * SECOND + 1;
        refresher.poll(second);
        runLookups();
        assertEquals(2, lookedUp.size());
        refresher.poll(second + EndpointRefresher.STALE_LOOKUP_NANOS - 1);
        assertTrue(pendingLookups.isEmpty(), "a lookup sooner than 15 s after the last");
        refresher.poll(second + EndpointRefresher.STALE_LOOKUP_NANOS);
        assertEquals(1, pendingLookups.size());
    }

    @Test
    void roamingWhileTheLookupRunsWins() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(INTERVAL);
        peer.setEndpoint(ROAMED); // an authenticated packet from a new source, before the answer is back
        runLookups();
        assertEquals(ROAMED, peer.endpoint());
        assertEquals(0, refresher.changes());
    }

    @Test
    void roamingBackAndForthWhileTheLookupRunsStillWins() {
        EndpointRefresher refresher = refresher(0);
        attemptingHandshake();
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(EndpointRefresher.STALE_HANDSHAKE_NANOS + 1);
        peer.setEndpoint(ROAMED);
        InetSocketAddress backAgain = new InetSocketAddress(A.getAddress(), A.getPort());
        peer.setEndpoint(backAgain);
        runLookups();
        assertSame(backAgain, peer.endpoint());
    }

    @Test
    void aPeriodicAnswerLeavesARoamedEndpointAlone() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.put(NAME.host(), List.of(B.getAddress()));
        peer.setEndpoint(ROAMED); // e.g. the peer is behind a NAT: its packets come from elsewhere than its name
        refresher.poll(INTERVAL);
        runLookups();
        assertEquals(ROAMED, peer.endpoint());
    }

    @Test
    void aStaleTunnelReplacesARoamedEndpointThatNoLongerAnswers() {
        EndpointRefresher refresher = refresher(INTERVAL);
        peer.setEndpoint(ROAMED);
        attemptingHandshake();
        refresher.poll(EndpointRefresher.STALE_HANDSHAKE_NANOS + 1);
        runLookups();
        assertEquals(A, peer.endpoint(), "the name's address, with the configured port");
        assertEquals(1, refresher.changes());
    }

    @Test
    void anEndpointAmongTheNamesAddressesStays() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.put(NAME.host(), List.of(B.getAddress(), A.getAddress())); // round robin: A is still one of them
        refresher.poll(INTERVAL);
        runLookups();
        assertEquals(A, peer.endpoint());
        assertEquals(0, refresher.changes());
    }

    @Test
    void aFailedLookupKeepsTheEndpointAndIsLoggedOncePerStreak() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.remove(NAME.host());
        for (int i = 1; i <= 3; i++) {
            refresher.poll(i * INTERVAL);
            runLookups();
        }
        assertEquals(A, peer.endpoint());
        assertEquals(3, lookedUp.size());
        assertEquals(1, logged.size());
        String warning = java.text.MessageFormat.format(logged.getFirst().getMessage(),
                logged.getFirst().getParameters());
        assertEquals("wgt0: peer Far Office endpoint far.example.net: cannot resolve it again (Name or service not"
                + " known); keeping 192.0.2.1:51820", warning);
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(4 * INTERVAL);
        runLookups();
        assertEquals(B, peer.endpoint());
        assertEquals(3, logged.size(), "resolves again, and re-resolved");
    }

    @Test
    void aUapiSetEndpointReplacesTheNameAndARemovedPeerDropsOut() {
        EndpointRefresher refresher = refresher(INTERVAL);
        refresher.forget(peer);
        refresher.poll(INTERVAL);
        assertTrue(pendingLookups.isEmpty());
        assertTrue(refresher.isEmpty());

        refresher.track(peer, NAME, null, INTERVAL);
        peer.markRemoved();
        refresher.poll(2 * INTERVAL);
        assertTrue(pendingLookups.isEmpty());
        assertTrue(refresher.isEmpty());
    }

    @Test
    void anIpLiteralIsNotTracked() {
        EndpointRefresher refresher = refresher(INTERVAL);
        Peer literal = new Peer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        literal.setEndpoint(A);
        refresher.track(literal, Endpoint.parse("192.0.2.1:51820"), null, 0);
        assertEquals(1, refresher.size());
    }

    @Test
    void anAnswerArrivingAfterCloseIsNotApplied() {
        EndpointRefresher refresher = refresher(INTERVAL);
        dns.put(NAME.host(), List.of(B.getAddress()));
        refresher.poll(INTERVAL);
        refresher.close();
        runLookups();
        assertEquals(A, peer.endpoint());
        refresher.poll(2 * INTERVAL);
        assertTrue(pendingLookups.isEmpty());
    }

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static WgQuickConfig config(String... peerSections) throws Exception {
        List<String> lines = new ArrayList<>(List.of("[Interface]", "PrivateKey = " + key(9)));
        for (String section : peerSections) {
            lines.addAll(List.of(section.split("\n")));
        }
        return WgQuickConfig.parse("wgt0.conf", lines);
    }

    private static String peerSection(int seed, String endpoint) {
        return "[Peer]\nPublicKey = " + key(seed) + "\nAllowedIPs = 10.0." + seed + ".0/24"
                + (endpoint == null ? "" : "\nEndpoint = " + endpoint);
    }

    @Test
    void aReloadFollowsChangedEndpointLinesAndKeepsTheStateOfUnchangedOnes() throws Exception {
        WgQuickConfig from = config(peerSection(1, "far.example.net:51820"), peerSection(2, "a.example.net:51820"),
                peerSection(3, "b.example.net:51820"));
        WgQuickConfig to = config(peerSection(1, "far.example.net:51820"), peerSection(2, "192.0.2.9:51820"),
                peerSection(3, "c.example.net:51820"), peerSection(4, "d.example.net:51820"));
        assertEquals(List.of(2, 3, 4), EndpointRefresher.changedEndpointLines(from, to).stream()
                .map(p -> (int) p.publicKey().bytes()[0]).toList());

        Map<Integer, Peer> peers = new HashMap<>();
        for (int seed = 1; seed <= 4; seed++) {
            byte[] publicKey = new byte[32];
            publicKey[0] = (byte) seed;
            Peer p = new Peer(publicKey);
            p.setEndpoint(A);
            peers.put(seed, p);
        }
        EndpointRefresher refresher = new EndpointRefresher("wgt0", host -> List.of(B.getAddress()),
                pendingLookups::add, Runnable::run, INTERVAL);
        refresher.track(peers.get(1), Endpoint.parse("far.example.net:51820"), null, 0);
        refresher.track(peers.get(2), Endpoint.parse("a.example.net:51820"), null, 0);
        refresher.track(peers.get(3), Endpoint.parse("b.example.net:51820"), null, 0);
        refresher.reconfigure(from, to, key -> peers.get((int) key.bytes()[0]), INTERVAL - 1);
        assertEquals(3, refresher.size(), "peer 2 now has an address; 4 is new");
        refresher.poll(INTERVAL);
        assertEquals(1, pendingLookups.size(), "only peer 1 kept its schedule; 3 and 4 start again at the reload");
        refresher.poll(2 * INTERVAL - 1);
        assertEquals(3, pendingLookups.size());
    }

    @Test
    void endpointsAreShownAsWgShowsThem() {
        assertEquals("192.0.2.1:51820", EndpointRefresher.show(A));
        assertEquals("[2001:db8::1]:51820",
                EndpointRefresher.show(new InetSocketAddress(address("2001:db8::1"), 51820)));
        assertEquals("none", EndpointRefresher.show(null));
    }
}
