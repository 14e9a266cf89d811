package io.wgate.metrics;

import java.util.List;
import java.util.Objects;

/**
 * What one scrape reads from the gateway's event loop: the engine's state and the offloads in effect.
 *
 * @param engine   the engine's counters and peers
 * @param offloads the offloads in effect now, as {@code tun-tso}, {@code udp-gso} ...; they can switch off at run time
 */
public record GatewaySnapshot(EngineSnapshot engine, List<String> offloads) {

    /** Before the first scrape. */
    public static final GatewaySnapshot EMPTY = new GatewaySnapshot(EngineSnapshot.EMPTY, List.of());

    public GatewaySnapshot {
        Objects.requireNonNull(engine, "engine");
        offloads = List.copyOf(offloads);
    }

    /**
     * The offload names of a summary such as {@code tun: tso uso tcp-coalescing; udp: gso gro}:
     * {@code tun-tso tun-uso tun-tcp-coalescing udp-gso udp-gro}; a part that says {@code none} has none.
     */
    public static List<String> offloadNames(String summary) {
        if (summary == null || summary.isBlank()) {
            return List.of();
        }
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        for (String part : summary.split(";")) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String device = part.substring(0, colon).strip();
            for (String mode : part.substring(colon + 1).strip().split("\\s+")) {
                if (!mode.isEmpty() && !mode.equals("none")) {
                    names.add(device + "-" + mode);
                }
            }
        }
        return List.copyOf(names);
    }
}
