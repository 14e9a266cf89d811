package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's UDP counters of the network namespace a process lives in ({@code /proc/PID/net/snmp}):
 * datagrams dropped because a socket buffer was full explain a gap between one side's tx and the
 * other's rx.
 */
record UdpStats(long inDatagrams, long outDatagrams, long receiveBufferErrors, long sendBufferErrors) {

    /**
     * Datagrams that reached a socket: read by the program, or dropped by the kernel because its queue was full (the
     * gateway stops reading its handshake socket past a budget, {@code HandshakeReadBudget}).
     */
    long arrived() {
        return inDatagrams + receiveBufferErrors;
    }

    static UdpStats of(long pid) throws IOException {
        List<String> udp = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "snmp")).stream()
                .filter(l -> l.startsWith("Udp: ")).toList();
        if (udp.size() < 2) {
            throw new IOException("no Udp lines in /proc/" + pid + "/net/snmp");
        }
        List<String> names = List.of(udp.get(0).substring(5).strip().split("\\s+"));
        String[] values = udp.get(1).substring(5).strip().split("\\s+");
        return new UdpStats(value(names, values, "InDatagrams"), value(names, values, "OutDatagrams"),
                value(names, values, "RcvbufErrors"), value(names, values, "SndbufErrors"));
    }

    private static long value(List<String> names, String[] values, String name) {
        int i = names.indexOf(name);
        return i < 0 ? 0 : Long.parseLong(values[i]);
    }
}
