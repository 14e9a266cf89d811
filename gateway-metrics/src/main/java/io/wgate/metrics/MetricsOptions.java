package io.wgate.metrics;

import java.util.Locale;

/**
 * How the metrics endpoint behaves, from {@code --metrics-options} or {@value #ENVIRONMENT_VARIABLE}: a comma list
 * of {@code remote-endpoint} (the exporter's {@code -r}: {@code remote_ip} and {@code remote_port} labels),
 * {@code handshake-delay} (its {@code -d}: {@code wireguard_latest_handshake_delay_seconds}),
 * {@code peer-series=N} (per-peer series for at most N peers, 0 for none; default {@value #DEFAULT_PEER_SERIES}) and
 * {@code ready-handshake=SECONDS} ({@code /readyz} also wants a peer whose latest handshake is younger than that;
 * default off).
 *
 * @param remoteEndpoint        add {@code remote_ip} and {@code remote_port} to the exporter-compatible family
 * @param handshakeDelay        add {@code wireguard_latest_handshake_delay_seconds}
 * @param peerSeriesLimit       peers with series of their own, in the order they were added
 * @param readyHandshakeSeconds 0, or the handshake age {@code /readyz} accepts
 */
public record MetricsOptions(boolean remoteEndpoint, boolean handshakeDelay, int peerSeriesLimit,
                             int readyHandshakeSeconds) {

    /** The environment variable that holds the options. */
    public static final String ENVIRONMENT_VARIABLE = "WGATE_METRICS_OPTIONS";
    /** Per-peer series for this many peers unless told otherwise. */
    public static final int DEFAULT_PEER_SERIES = 1000;
    /** The defaults: the exporter's default label set, series for up to 1000 peers, readiness without handshakes. */
    public static final MetricsOptions DEFAULTS = new MetricsOptions(false, false, DEFAULT_PEER_SERIES, 0);

    public MetricsOptions {
        if (peerSeriesLimit < 0) {
            throw new IllegalArgumentException("peer-series must be 0 or more, got " + peerSeriesLimit);
        }
        if (readyHandshakeSeconds < 0) {
            throw new IllegalArgumentException("ready-handshake must be 0 or more seconds, got "
                    + readyHandshakeSeconds);
        }
    }

    /**
     * {@code base} with the options of {@code list} applied; null or blank changes nothing.
     *
     * @throws IllegalArgumentException naming the entry that is not understood
     */
    public static MetricsOptions parse(MetricsOptions base, String list) {
        if (list == null || list.isBlank()) {
            return base;
        }
        MetricsOptions result = base;
        for (String raw : list.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry : entry.substring(0, eq).strip();
            String value = eq < 0 ? null : entry.substring(eq + 1).strip();
            result = switch (name) {
                case "remote-endpoint" -> flag(name, value, result.withRemoteEndpoint());
                case "handshake-delay" -> flag(name, value, result.withHandshakeDelay());
                case "peer-series" -> new MetricsOptions(result.remoteEndpoint, result.handshakeDelay,
                        number(name, value), result.readyHandshakeSeconds);
                case "ready-handshake" -> new MetricsOptions(result.remoteEndpoint, result.handshakeDelay,
                        result.peerSeriesLimit, number(name, value));
                default -> throw new IllegalArgumentException("unknown metrics option '" + raw.strip()
                        + "'; known: remote-endpoint, handshake-delay, peer-series=N, ready-handshake=SECONDS");
            };
        }
        return result;
    }

    private MetricsOptions withRemoteEndpoint() {
        return new MetricsOptions(true, handshakeDelay, peerSeriesLimit, readyHandshakeSeconds);
    }

    private MetricsOptions withHandshakeDelay() {
        return new MetricsOptions(remoteEndpoint, true, peerSeriesLimit, readyHandshakeSeconds);
    }

    private static MetricsOptions flag(String name, String value, MetricsOptions set) {
        if (value != null) {
            throw new IllegalArgumentException("metrics option '" + name + "' takes no value");
        }
        return set;
    }

    private static int number(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("metrics option '" + name + "' needs a value: " + name + "=N");
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("metrics option '" + name + "': '" + value
                + "' is not a number from 0 to " + Integer.MAX_VALUE);
    }
}
