package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HandshakeSteering}'s program in the kernel against its naive twin {@link HandshakeSteering#socketFor}: two
 * sockets on the wildcard address in one reuseport group, as the gateway has them ({@link SteeringGroup}), random
 * payloads over IPv4 and IPv6 (transport headers, handshake types, near misses, short and random ones) from random
 * loopback sources, with and without a priority lane of random size, each sent and seen arriving on the socket the
 * twin names.
 */
class HandshakeSteeringTest {

    private static final long SEED = 0x5eed_57ee_1L;
    private final SteeringGroup group = new SteeringGroup();

    @AfterEach
    void stop() {
        group.close();
    }

    private static byte[] payload(Random random) {
        int kind = random.nextInt(6);
        byte[] bytes = new byte[kind == 4 ? random.nextInt(4) + 1 : 4 + random.nextInt(200)];
        random.nextBytes(bytes);
        switch (kind) {
            case 0, 1 -> System.arraycopy(new byte[] {4, 0, 0, 0}, 0, bytes, 0, 4); // transport data
            case 2 -> System.arraycopy(new byte[] {(byte) (1 + random.nextInt(3)), 0, 0, 0}, 0, bytes, 0, 4);
            case 3 -> { // a near miss: type 4 with one reserved byte set, or another byte in front
                System.arraycopy(new byte[] {4, 0, 0, 0}, 0, bytes, 0, 4);
                int at = random.nextInt(4);
                bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
            }
            default -> { } // 1-3 bytes, or random
        }
        return bytes;
    }

    /** Senders: eight IPv4 loopback addresses and ::1. */
    private static List<InetAddress> sources() throws UnknownHostException {
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        sources.add(InetAddress.getByName("::1"));
        return sources;
    }

    /**
     * A random priority lane: some of the senders, padded with documentation addresses of both families to a random
     * size, now and then (and when {@code full}) the largest the lane holds.
     */
    private static List<InetAddress> lane(Random random, List<InetAddress> sources, boolean full)
            throws UnknownHostException {
        Set<InetAddress> lane = new LinkedHashSet<>();
        for (InetAddress source : sources) {
            if (random.nextBoolean()) {
                lane.add(source);
            }
        }
        int size = full || random.nextInt(4) == 0 ? HandshakeSteering.MAX_PRIORITY_ADDRESSES
                : lane.size() + random.nextInt(20);
        while (lane.size() < size) {
            byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(bytes);
            if (bytes.length == 4) {
                bytes[0] = (byte) 203; // 203.0.113.0/24
                bytes[1] = 0;
                bytes[2] = 113;
            } else {
                bytes[0] = 0x20; // 2001:db8::/32
                bytes[1] = 0x01;
                bytes[2] = 0x0d;
                bytes[3] = (byte) 0xb8;
            }
            lane.add(InetAddress.getByAddress(bytes));
        }
        List<InetAddress> shuffled = new ArrayList<>(lane);
        Collections.shuffle(shuffled, random);
        return shuffled;
    }

    @Test
    void theKernelSteersEveryDatagramWhereTheNaiveTwinSays() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        group.join();
        Random random = new Random(SEED);
        List<InetAddress> sources = sources();
        for (int n = 0; n < 200; n++) {
            InetAddress source = sources.get(random.nextInt(sources.size()));
            byte[] sent = payload(random);
            group.sendAndExpect(source, sent, HandshakeSteering.socketFor(sent), "datagram " + n);
        }
    }

    @Test
    void withAPriorityLaneTheKernelSteersEveryDatagramWhereTheNaiveTwinSays() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        group.join();
        Random random = new Random(SEED + 1);
        List<InetAddress> sources = sources();
        for (int program = 0; program < 8; program++) {
            List<InetAddress> lane = program == 0 ? List.of() : lane(random, sources, program == 1);
            HandshakeSteering.attach(group.data.fd().intValue(), HandshakeSteering.program(lane));
            for (int n = 0; n < 60; n++) {
                InetAddress source = sources.get(random.nextInt(sources.size()));
                byte[] sent = payload(random);
                group.sendAndExpect(source, sent, HandshakeSteering.socketFor(sent, source, lane), "program " + program
                        + " (" + lane.size() + " addresses), datagram " + n);
            }
        }
    }

    @Test
    void theLaneRefusesMoreAddressesThanItHolds() throws Exception {
        List<InetAddress> tooMany = new ArrayList<>();
        for (int i = 0; i <= HandshakeSteering.MAX_PRIORITY_ADDRESSES; i++) {
            tooMany.add(InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, (byte) i}));
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HandshakeSteering.program(tooMany));
        assertEquals("the priority lane holds at most 256 addresses, not 257", refused.getMessage());
    }

    @Test
    void beforeTheHandshakeSocketJoinsTheDataSocketGetsEverything() throws Exception {
        HandshakeSteering.attach(group.data.fd().intValue());
        byte[] initiation = new byte[148];
        initiation[0] = 1;
        group.sendAndExpect(InetAddress.getByName("127.0.0.1"), initiation, HandshakeSteering.DATA_SOCKET,
                "an answer beyond the group falls back to the hash, i.e. the only socket: an initiation");
    }

    @Test
    void aPortHeldByAReuseportGroupIsRefusedToTheNextGateway() {
        int port = group.port();
        java.net.BindException refused = assertThrows(java.net.BindException.class, () -> UdpSockets.claim(port),
                "a second gateway would otherwise join the group");
        assertEquals(true, refused.getMessage().startsWith("cannot listen on UDP port " + port + ": "),
                refused.getMessage());
    }

    @Test
    void claimingPortZeroPicksAFreePort() throws Exception {
        int port = UdpSockets.claim(0);
        assertEquals(true, port > 0 && port < 65536, "port " + port);
    }

    @Test
    void theTwinReadsTheFirstWordAndTheSource() throws Exception {
        InetAddress peer = InetAddress.getByName("192.0.2.7");
        InetAddress other = InetAddress.getByName("192.0.2.8");
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0, 0}, peer,
                List.of(peer)));
        assertEquals(HandshakeSteering.HANDSHAKE_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0, 0}, other,
                List.of(peer)));
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {4, 0, 0, 0}, other,
                List.of(peer)));
    }

    @Test
    void theTwinReadsTheFirstWordOnly() {
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {4, 0, 0, 0, 9}));
        assertEquals(HandshakeSteering.HANDSHAKE_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0, 0}));
        assertEquals(HandshakeSteering.HANDSHAKE_SOCKET, HandshakeSteering.socketFor(new byte[] {4, 0, 0, 1}));
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0}));
    }
}
