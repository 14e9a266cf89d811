package io.wgate.server.uapi;

import io.wgate.server.config.WgKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a {@link DeviceStatus} as {@code wg show} does without a terminal (no colours): layout, wording,
 * units and peer order of wireguard-tools {@code src/show.c} ({@code pretty_print}, {@code pretty_time},
 * {@code ago}, {@code bytes}, {@code sort_peers}).
 *
 * <pre>
 * interface: wg0
 *   public key: ...
 *   private key: (hidden)
 *   listening port: 51820
 *
 * peer: ...
 *   preshared key: (hidden)
 *   endpoint: 192.0.2.1:51820
 *   allowed ips: 10.0.0.0/24, fd00::/64
 *   latest handshake: 1 minute, 5 seconds ago
 *   transfer: 1.23 KiB received, 4.56 MiB sent
 *   persistent keepalive: every 25 seconds
 * </pre>
 *
 * Lines with nothing to say are left out (no latest handshake before the first, no transfer while both
 * counts are 0). Peers with the most recent handshake come first, those without one last. The time
 * "now" is a parameter, so output is reproducible.
 */
public final class ShowFormatter {

    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long YEAR = 365 * DAY;

    private ShowFormatter() {
    }

    /** {@code wg show <if>} with keys hidden; {@code nowEpochSeconds} is the wall clock for "ago". */
    public static String format(DeviceStatus device, long nowEpochSeconds) {
        return format(device, nowEpochSeconds, false);
    }

    /**
     * {@code wg show <if>}; with {@code revealKeys} the private and preshared keys are printed, as
     * {@code WG_HIDE_KEYS=never wg show} does.
     */
    public static String format(DeviceStatus device, long nowEpochSeconds, boolean revealKeys) {
        StringBuilder out = new StringBuilder();
        out.append("interface: ").append(device.interfaceName()).append('\n');
        device.publicKey().ifPresent(key -> field(out, "public key", key.toBase64()));
        device.privateKey().ifPresent(key -> field(out, "private key", masked(key, revealKeys)));
        if (device.listenPort() != 0) {
            field(out, "listening port", Integer.toString(device.listenPort()));
        }
        if (device.fwmark() != 0) {
            field(out, "fwmark", "0x" + Integer.toHexString(device.fwmark()));
        }
        List<PeerStatus> peers = sortedPeers(device.peers());
        if (!peers.isEmpty()) {
            out.append('\n');
        }
        for (int i = 0; i < peers.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            peer(out, peers.get(i), nowEpochSeconds, revealKeys);
        }
        return out.toString();
    }

    /** {@code wg show} / {@code wg show all}: every device, separated by a blank line. */
    public static String formatAll(List<DeviceStatus> devices, long nowEpochSeconds) {
        return devices.stream().map(d -> format(d, nowEpochSeconds)).collect(Collectors.joining("\n"));
    }

    private static void peer(StringBuilder out, PeerStatus peer, long nowEpochSeconds, boolean revealKeys) {
        out.append("peer: ").append(peer.publicKey().toBase64()).append('\n');
        peer.presharedKey().ifPresent(key -> field(out, "preshared key", masked(key, revealKeys)));
        peer.endpoint().ifPresent(endpoint -> field(out, "endpoint", UapiValues.formatEndpoint(endpoint)));
        field(out, "allowed ips", peer.allowedIps().isEmpty() ? "(none)"
                : peer.allowedIps().stream().map(UapiValues::formatPrefix).collect(Collectors.joining(", ")));
        if (peer.lastHandshakeEpochSeconds() != 0) {
            field(out, "latest handshake", ago(peer.lastHandshakeEpochSeconds(), nowEpochSeconds));
        }
        if (peer.rxBytes() != 0 || peer.txBytes() != 0) {
            field(out, "transfer", bytes(peer.rxBytes()) + " received, " + bytes(peer.txBytes()) + " sent");
        }
        if (peer.persistentKeepaliveSeconds() != 0) {
            field(out, "persistent keepalive", "every " + prettyTime(peer.persistentKeepaliveSeconds()));
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append("  ").append(name).append(": ").append(value).append('\n');
    }

    private static String masked(WgKey key, boolean reveal) {
        return reveal ? key.toBase64() : "(hidden)";
    }

    /** {@code sort_peers}: latest handshake first, peers without a handshake last; stable otherwise. */
    static List<PeerStatus> sortedPeers(List<PeerStatus> peers) {
        List<PeerStatus> sorted = new ArrayList<>(peers);
        sorted.sort(Comparator.comparing(PeerStatus::hasHandshake).reversed()
                .thenComparing(Comparator.comparingLong(PeerStatus::lastHandshakeEpochSeconds)
                        .thenComparingLong(PeerStatus::lastHandshakeNanos).reversed()));
        return sorted;
    }

    /** {@code ago}: "Now", the clock-wound-backward notice, or the pretty time followed by " ago". */
    static String ago(long epochSeconds, long nowEpochSeconds) {
        if (nowEpochSeconds == epochSeconds) {
            return "Now";
        }
        if (nowEpochSeconds < epochSeconds) {
            return "(System clock wound backward; connection problems may ensue.)";
        }
        return prettyTime(nowEpochSeconds - epochSeconds) + " ago";
    }

    /** {@code pretty_time}: "1 year, 2 days, 3 hours, 1 minute, 5 seconds", zero units left out. */
    static String prettyTime(long seconds) {
        List<String> parts = new ArrayList<>(5);
        long left = seconds;
        unit(parts, left / YEAR, "year");
        left %= YEAR;
        unit(parts, left / DAY, "day");
        left %= DAY;
        unit(parts, left / HOUR, "hour");
        left %= HOUR;
        unit(parts, left / MINUTE, "minute");
        unit(parts, left % MINUTE, "second");
        return String.join(", ", parts);
    }

    private static void unit(List<String> parts, long n, String name) {
        if (n != 0) {
            parts.add(n + " " + name + (n == 1 ? "" : "s"));
        }
    }

    /**
     * {@code bytes}: "512 B", then KiB, MiB, GiB, TiB with two decimals. Rounds the double exactly as
     * C's {@code printf("%.2f")} does (the binary value, ties to even), which Java's {@code %.2f} does not.
     */
    static String bytes(long count) {
        double b = unsignedToDouble(count);
        if (Long.compareUnsigned(count, 1024L) < 0) {
            return count + " B";
        }
        if (Long.compareUnsigned(count, 1L << 20) < 0) {
            return twoDecimals(b / 1024) + " KiB";
        }
        if (Long.compareUnsigned(count, 1L << 30) < 0) {
            return twoDecimals(b / (1024 * 1024)) + " MiB";
        }
        if (Long.compareUnsigned(count, 1L << 40) < 0) {
            return twoDecimals(b / (1024 * 1024 * 1024)) + " GiB";
        }
        return twoDecimals(b / (1024 * 1024 * 1024) / 1024) + " TiB";
    }

    private static double unsignedToDouble(long value) {
        double d = (double) (value >>> 1) * 2.0;
        return d + (value & 1);
    }

    private static String twoDecimals(double value) {
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
