package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class Iperf3UdpTest {

    /** The end of an iperf3 3.12 client's JSON report of a UDP test (abridged). */
    static final String REPORT = """
            {
                "end": {
                    "streams": [{
                            "udp": {
                                "bytes": 6247260,
                                "packets": 4527,
                                "lost_packets": 0,
                                "sender": true
                            }
                        }],
                    "sum": {
                        "bits_per_second": 49969135.524741076,
                        "lost_packets": 0,
                        "packets": 4527,
                        "sender": true
                    },
                    "sum_sent": {
                        "bits_per_second": 49969135.524741076,
                        "lost_packets": 0,
                        "packets": 4527,
                        "sender": true
                    },
                    "sum_received": {
                        "start": 0,
                        "end": 1.000383,
                        "seconds": 1.000383,
                        "bytes": 6247260,
                        "bits_per_second": 4.9958945723787785e+07,
                        "jitter_ms": 0.011969861738059509,
                        "lost_packets": 12,
                        "packets": 4539,
                        "lost_percent": 0.26437541308658295,
                        "sender": false
                    }
                }
            }
            """;

    @Test
    void readsTheReceiversFigures() {
        Iperf3Udp result = Iperf3Udp.parse(REPORT).orElseThrow();
        assertEquals(4539, result.packets());
        assertEquals(12, result.lostPackets());
        assertEquals(49.958945723787785, result.megabitsPerSecond(), 1e-9);
        assertEquals(0.264375, result.lostPercent(), 1e-6);
        assertEquals("50 Mbit/s received, 12 of 4539 datagrams lost (0.26 %)", result.toString());
    }

    @Test
    void withoutReceiverFiguresThereIsNoResult() {
        assertEquals(Optional.empty(), Iperf3Udp.parse("{\"error\": \"unable to connect to server\"}"));
        assertEquals(Optional.empty(), Iperf3Udp.parse(REPORT.replace("\"packets\": 4539,", "")));
    }

    @Test
    void nothingAccountedForCountsAsEverythingLost() {
        assertTrue(new Iperf3Udp(0, 0, 0).lostPercent() >= 100);
    }
}
