package io.wgate.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeRateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final long COST = HandshakeRateLimiter.PACKET_COST_NANOS;

    /**
     * Expected results of kernel drivers/net/wireguard/selftest/ratelimiter.c ({@code expected_results}), with the
     * sleep before each step; the same sequence is in wireguard-go ratelimiter/ratelimiter_test.go.
     */
    private record Step(boolean allowed, long sleepBeforeNanos, String what) {
    }

    private static final List<Step> KERNEL_EXPECTED_RESULTS = List.of(
            new Step(true, 0, "initial burst 1"),
            new Step(true, 0, "initial burst 2"),
            new Step(true, 0, "initial burst 3"),
            new Step(true, 0, "initial burst 4"),
            new Step(true, 0, "initial burst 5"),
            new Step(false, 0, "after burst"),
            new Step(true, COST, "refilled for a single packet"),
            new Step(false, 0, "not refilled enough"),
            new Step(true, 2 * COST, "refilled for a two-packet burst"),
            new Step(true, 0, "second packet of the two-packet burst"),
            new Step(false, 0, "after the two-packet burst"));

    @Test
    void constantsMatchTheKernel() {
        assertEquals(50 * MS, HandshakeRateLimiter.PACKET_COST_NANOS);
        assertEquals(250 * MS, HandshakeRateLimiter.TOKEN_MAX_NANOS);
        assertEquals(65536, HandshakeRateLimiter.MAX_ENTRIES);
    }

    /**
     * Port of timings_test in the kernel selftest with exact, injected time: per step the base IPv4 source gets the
     * expected result while a new neighbour (base + i + 1) is always allowed; an IPv6 source whose low 64 bits change
     * every step shares one bucket (the /64 is the key) while a different /64 is always allowed. As in the kernel,
     * a bucket holding exactly one packet's cost allows the packet ({@code tokens >= PACKET_COST}); wireguard-go's
     * {@code tokens > packetCost} relies on wall-clock time having passed and would refuse the fifth burst packet here.
     */
    @Test
    void followsKernelTimingsTest() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        int base4 = 8182;
        long base6 = (long) 1212 << 32 | 289188;
        long nowNanos = 5_000 * MS;
        for (int i = 0; i < KERNEL_EXPECTED_RESULTS.size(); i++) {
            Step step = KERNEL_EXPECTED_RESULTS.get(i);
            nowNanos += step.sleepBeforeNanos();
            String where = "step " + i + " (" + step.what() + ")";
            assertEquals(step.allowed(), limiter.allowV4(nowNanos, base4), where);
            assertTrue(limiter.allowV4(nowNanos, base4 + i + 1), where + ", new IPv4 neighbour");
            long low = (long) i << 32 | i;
            assertEquals(step.allowed(), limiter.allow(nowNanos, ipv6(base6, low)), where + ", same /64");
            assertTrue(limiter.allowV6(nowNanos, base6 + ((long) (i + 1) << 32)), where + ", other /64");
        }
    }

    /** Port of capacity_test in the kernel selftest, on a small table and on the default bound. */
    @Test
    void refusesNewSourcesOnceTheTableIsFull() {
        for (int maxEntries : new int[] {16, HandshakeRateLimiter.MAX_ENTRIES}) {
            HandshakeRateLimiter limiter = new HandshakeRateLimiter(maxEntries);
            for (int i = 0; i <= maxEntries; i++) {
                assertEquals(i != maxEntries, limiter.allowV4(0, i), "source " + i + " of " + maxEntries);
            }
            assertEquals(maxEntries, limiter.size());
            assertTrue(limiter.allowV4(1, 0), "known sources are still served");
            assertFalse(limiter.allowV6(1, 0), "the bound covers both families");
        }
    }

    /** The addresses and expectations of wireguard-go ratelimiter/ratelimiter_test.go, all stepped together. */
    @Test
    void followsWireguardGoTestForItsAddressList() throws UnknownHostException {
        List<InetAddress> sources = List.of(
                ip("127.0.0.1"), ip("192.168.1.1"), ip("172.167.2.3"), ip("97.231.252.215"), ip("248.97.91.167"),
                ip("188.208.233.47"), ip("104.2.183.179"), ip("72.129.46.120"),
                ip("2001:0db8:0a0b:12f0:0000:0000:0000:0001"), ip("f5c2:818f:c052:655a:9860:b136:6894:25f0"),
                ip("b2d7:15ab:48a7:b07c:a541:f144:a9fe:54fc"), ip("a47b:786e:1671:a22b:d6f9:4ab0:abc7:c918"),
                ip("ea1e:d155:7f7a:98fb:2bf5:9483:80f6:5445"), ip("3f0e:54a2:f5b4:cd19:a21d:58e1:3746:84c4"));
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        long nowNanos = 0;
        for (int i = 0; i < KERNEL_EXPECTED_RESULTS.size(); i++) {
            Step step = KERNEL_EXPECTED_RESULTS.get(i);
            nowNanos += step.sleepBeforeNanos();
            for (InetAddress source : sources) {
                assertEquals(step.allowed(), limiter.allow(nowNanos, source), "step " + i + " for " + source);
            }
        }
        assertEquals(sources.size(), limiter.size());
    }

    @Test
    void keysIpv4ByFullAddress() throws UnknownHostException {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        exhaust(limiter, ip("192.0.2.1"));
        assertFalse(limiter.allow(0, ip("192.0.2.1")));
        assertFalse(limiter.allowV4(0, 0xc0000201), "the int form is the same key");
        assertTrue(limiter.allow(0, ip("192.0.2.2")));
        assertTrue(limiter.allow(0, ip("::ffff:192.0.2.3")), "v4-mapped IPv6 is an IPv4 source");
    }

    @Test
    void keysIpv6ByTopSixtyFourBits() throws UnknownHostException {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        exhaust(limiter, ip("2001:db8:1:2::1"));
        assertFalse(limiter.allow(0, ip("2001:db8:1:2:ffff:ffff:ffff:9")), "same /64");
        assertFalse(limiter.allowV6(0, 0x20010db800010002L));
        assertTrue(limiter.allow(0, ip("2001:db8:1:3::1")), "neighbouring /64");
        assertEquals(2, limiter.size());
    }

    @Test
    void keepsFamiliesApart() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        for (int i = 0; i < HandshakeRateLimiter.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allowV4(0, 0));
        }
        assertFalse(limiter.allowV4(0, 0));
        assertTrue(limiter.allowV6(0, 0), "0.0.0.0 and ::/64 are different sources");
    }

    @Test
    void sustainsTwentyPerSecondButNotMore() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        long nowNanos = 0;
        for (int i = 0; i < 1_000; i++) {
            assertTrue(limiter.allowV4(nowNanos, 1), "packet " + i + " at exactly 20/s");
            nowNanos += COST;
        }
        int allowed = 0;
        for (int i = 0; i < 1_000; i++) {
            if (limiter.allowV4(nowNanos, 1)) {
                allowed++;
            }
            nowNanos += 25 * MS;
        }
        // 25 s at 40/s offered: 20/s gets through, plus the burst banked before.
        assertTrue(allowed >= 500 && allowed <= 500 + HandshakeRateLimiter.PACKETS_BURSTABLE, "allowed " + allowed);
    }

    @Test
    void refillCapsAtTheBurst() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        exhaust(limiter, 7);
        long later = 900 * MS; // long enough for 18 packets, but the bucket holds 5; not yet collected
        for (int i = 0; i < HandshakeRateLimiter.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allowV4(later, 7), "packet " + i);
        }
        assertFalse(limiter.allowV4(later, 7));
    }

    @Test
    void timeGoingBackwardsAddsNoTokens() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        long nowNanos = 10_000 * MS;
        for (int i = 0; i < HandshakeRateLimiter.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allowV4(nowNanos, 9));
        }
        assertFalse(limiter.allowV4(nowNanos - 500 * MS, 9));
        assertFalse(limiter.allowV4(nowNanos, 9));
    }

    @Test
    void collectsSourcesIdleForMoreThanOneSecond() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        limiter.allowV4(0, 1);
        limiter.allowV4(1_000 * MS, 2);
        assertEquals(2, limiter.size(), "idle exactly 1 s is kept (the kernel collects after more than 1 s)");
        limiter.allowV4(2_000 * MS + 1, 3);
        assertEquals(1, limiter.size(), "sources 1 and 2 were idle for more than 1 s");
    }

    @Test
    void sweepsAtMostOncePerSecond() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter();
        limiter.allowV4(0, 1);                // sweep at 0
        limiter.allowV4(500 * MS, 2);
        limiter.allowV4(1_000 * MS, 3);       // sweep at 1 s: nothing idle for more than 1 s
        limiter.allowV4(1_600 * MS, 4);       // no sweep, although source 1 has been idle 1.6 s
        assertEquals(4, limiter.size());
        limiter.allowV4(2_000 * MS, 5);       // sweep at 2 s: 1 (idle 2 s) and 2 (1.5 s) go
        assertEquals(3, limiter.size());
    }

    @Test
    void sweepingMakesRoomInAFullTable() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(limiter.allowV4(0, i));
        }
        assertFalse(limiter.allowV4(500 * MS, 99));
        assertTrue(limiter.allowV4(1_500 * MS, 99), "the idle sources were collected");
        assertEquals(1, limiter.size());
    }

    @Test
    void rejectsNonPositiveBound() {
        assertThrows(IllegalArgumentException.class, () -> new HandshakeRateLimiter(0));
    }

    private static void exhaust(HandshakeRateLimiter limiter, InetAddress source) {
        for (int i = 0; i < HandshakeRateLimiter.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(0, source), "burst packet " + i);
        }
        assertFalse(limiter.allow(0, source));
    }

    private static void exhaust(HandshakeRateLimiter limiter, int source) {
        for (int i = 0; i < HandshakeRateLimiter.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allowV4(0, source), "burst packet " + i);
        }
        assertFalse(limiter.allowV4(0, source));
    }

    /** Parses a literal address (never resolves names). */
    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static InetAddress ipv6(long high, long low) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
