package io.wgate.server.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's protocol counters of one network namespace, named as {@code nstat} names them: the header and
 * value line pairs of {@code /proc/net/snmp} and {@code /proc/net/netstat} ({@code Tcp: ... InCsumErrors} becomes
 * {@code TcpInCsumErrors}, {@code IpExt: ... InCsumErrors} {@code IpExtInCsumErrors}) and the name-value lines of
 * {@code /proc/net/snmp6} ({@code Udp6InCsumErrors}), read by {@code cat} inside the namespace.
 *
 * <p>The checksum counters ({@link #checksumErrors}) count packets the kernel itself found with a bad checksum:
 * the IPv4 header ({@code IpExtInCsumErrors}), TCP, UDP, UDP-Lite and ICMP (IPv4 and IPv6), and any such counter a
 * newer kernel adds ({@code TcpExtTCPCsumErrors} where present). They are what an offload that writes a wrong
 * checksum, or leaves one to the kernel wrongly prepared, makes grow.
 *
 * @param namespace where they were read
 * @param values    counter name to value, in file order
 */
record KernelCounters(String namespace, Map<String, Long> values) {

    static final List<String> FILES = List.of("/proc/net/snmp", "/proc/net/netstat", "/proc/net/snmp6");

    KernelCounters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    static KernelCounters read(Shell shell, String namespace) throws IOException {
        List<String> command = new ArrayList<>(List.of("cat"));
        command.addAll(FILES);
        return parse(namespace, shell.checkIn(Shell.DEFAULT_TIMEOUT, namespace, command.toArray(String[]::new))
                .stdout());
    }

    /** Parses the three files' text, concatenated. */
    static KernelCounters parse(String namespace, String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon > 0 && i + 1 < lines.size() && lines.get(i + 1).startsWith(line.substring(0, colon + 1))) {
                String prefix = line.substring(0, colon);
                String[] names = line.substring(colon + 1).strip().split("\\s+");
                String[] numbers = lines.get(i + 1).substring(colon + 1).strip().split("\\s+");
                for (int j = 0; j < Math.min(names.length, numbers.length); j++) {
                    values.put(prefix + names[j], Long.parseLong(numbers[j]));
                }
                i++;
            } else if (colon < 0) {
                String[] pair = line.strip().split("\\s+");
                if (pair.length == 2 && pair[1].matches("-?\\d+")) {
                    values.put(pair[0], Long.parseLong(pair[1]));
                }
            }
        }
        return new KernelCounters(namespace, values);
    }

    /** Every counter of a bad checksum the kernel found: those whose name has {@code CsumErr} in it. */
    Map<String, Long> checksumErrors() {
        Map<String, Long> errors = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name.contains("CsumErr")) {
                errors.put(name, value);
            }
        });
        return errors;
    }

    /** The checksum counters that are higher now than in {@code before}, with their growth. */
    Map<String, Long> checksumErrorsSince(KernelCounters before) {
        Map<String, Long> grown = new LinkedHashMap<>();
        checksumErrors().forEach((name, value) -> {
            long growth = value - before.values().getOrDefault(name, 0L);
            if (growth != 0) {
                grown.put(name, growth);
            }
        });
        return grown;
    }

    long get(String name) {
        return values.getOrDefault(name, 0L);
    }
}
