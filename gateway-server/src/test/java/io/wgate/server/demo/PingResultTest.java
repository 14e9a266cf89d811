package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PingResultTest {

    @Test
    void readsIputilsSummary() {
        PingResult result = PingResult.parse("ping", """
                PING 192.168.1.2 (192.168.1.2) 56(84) bytes of data.
                64 bytes from 192.168.1.2: icmp_seq=1 ttl=62 time=1.02 ms
                64 bytes from 192.168.1.2: icmp_seq=2 ttl=62 time=0.597 ms

                --- 192.168.1.2 ping statistics ---
                3 packets transmitted, 2 received, 33.3333% packet loss, time 401ms
                rtt min/avg/max/mdev = 0.597/0.805/1.012/0.169 ms
                """);
        assertEquals(3, result.sent());
        assertEquals(2, result.received());
        assertEquals(0.805, result.avgMillis(), 1e-9);
        assertFalse(result.allReplied());
        assertEquals("2/3 replies, avg rtt 0.81 ms (ping)", result.summary());
    }

    @Test
    void readsProbeSummary() {
        PingResult result = PingResult.parse(Pinger.JAVA_PROBE, """
                reply from 192.168.1.2: seq=1 time=0.812 ms
                1 packets transmitted, 1 received
                rtt min/avg/max/mdev = 0.812/0.812/0.812/0.000 ms
                """);
        assertTrue(result.allReplied());
        assertEquals(0.812, result.avgMillis(), 1e-9);
    }

    @Test
    void noRepliesMeansNoRtt() {
        PingResult result = PingResult.parse("ping", """
                1 packets transmitted, 0 received, 100% packet loss, time 0ms
                """);
        assertEquals(0, result.received());
        assertTrue(Double.isNaN(result.avgMillis()));
        assertEquals("0/1 replies (ping)", result.summary());
    }

    @Test
    void garbageMeansNothingSent() {
        PingResult result = PingResult.parse("ping", "ping: connect: Network is unreachable");
        assertEquals(0, result.sent());
        assertFalse(result.allReplied());
    }
}
