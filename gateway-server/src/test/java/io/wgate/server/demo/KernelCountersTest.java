package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelCountersTest {

    /** Abridged from Linux 6.18's /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6, concatenated. */
    static final String SAMPLE = """
            Ip: Forwarding DefaultTTL InReceives InHdrErrors
            Ip: 1 64 1234 0
            IcmpMsg: InType3 OutType3
            IcmpMsg: 2 2
            Tcp: RtoAlgorithm MaxConn InSegs InErrs InCsumErrors
            Tcp: 1 -1 5000 %d %d
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors
            Udp: 10 0 %d 10 7 0 %d
            TcpExt: SyncookiesSent DelayedACKs
            TcpExt: 0 42
            IpExt: InNoRoutes InOctets InCsumErrors
            IpExt: 0 99999 %d
            MPTcpExt: MPCapableSYNRX DataCsumErr
            MPTcpExt: 0 0
            Ip6InReceives                   	17
            Udp6InDatagrams                 	3
            Udp6InCsumErrors                	%d
            """;

    private static KernelCounters sample(long tcp, long udp, long ip, long udp6) {
        return KernelCounters.parse("ns", SAMPLE.formatted(tcp, tcp, udp, udp, ip, udp6));
    }

    @Test
    void namesCountersAsNstatDoes() {
        KernelCounters counters = sample(3, 5, 6, 8);
        assertEquals(3, counters.get("TcpInCsumErrors"));
        assertEquals(5, counters.get("UdpInCsumErrors"));
        assertEquals(7, counters.get("UdpRcvbufErrors"));
        assertEquals(6, counters.get("IpExtInCsumErrors"));
        assertEquals(42, counters.get("TcpExtDelayedACKs"));
        assertEquals(8, counters.get("Udp6InCsumErrors"));
        assertEquals(17, counters.get("Ip6InReceives"));
        assertEquals(2, counters.get("IcmpMsgOutType3"));
        assertEquals(-1, counters.get("TcpMaxConn"));
        assertEquals(0, counters.get("NoSuchCounter"));
    }

    @Test
    void checksumErrorsAreEveryCounterOfABadChecksum() {
        assertEquals(List.of("TcpInCsumErrors", "UdpInCsumErrors", "IpExtInCsumErrors", "MPTcpExtDataCsumErr",
                "Udp6InCsumErrors"), List.copyOf(sample(0, 0, 0, 0).checksumErrors().keySet()));
    }

    @Test
    void reportsOnlyTheChecksumCountersThatGrew() {
        KernelCounters before = sample(1, 0, 0, 4);
        assertEquals(Map.of(), sample(1, 0, 0, 4).checksumErrorsSince(before));
        assertEquals(Map.of("TcpInCsumErrors", 89L, "Udp6InCsumErrors", 1L),
                sample(90, 0, 0, 5).checksumErrorsSince(before));
        assertEquals(Map.of("IpExtInCsumErrors", 2L, "UdpInCsumErrors", 3L),
                sample(1, 3, 2, 4).checksumErrorsSince(before));
    }
}
