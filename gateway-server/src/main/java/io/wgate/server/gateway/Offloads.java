package io.wgate.server.gateway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which batching offloads a gateway may use. All are on by default; each is probed at start and falls back by
 * itself when the kernel or the socket refuses it, so these switches are for turning one off on purpose (to compare,
 * or to work around a broken driver further down the path).
 *
 * <ul>
 *   <li>{@code tun}: the TUN device with a virtio_net_hdr ({@code IFF_VNET_HDR}) and the checksum and TCP
 *       segmentation offloads: reads are TCP super-packets of up to 64 KiB, split by the gateway. Off turns every
 *       TUN offload off.
 *   <li>{@code tun-uso}: UDP segmentation on the TUN too ({@code TUN_F_USO4|USO6}, Linux 6.2 and later): UDP
 *       super-packets on read, coalesced UDP on write.
 *   <li>{@code tun-gro}: decrypted packets of one batch coalesced into super-packets before the TUN write.
 *   <li>{@code udp-gso}: datagrams of one super-packet sent as one {@code UDP_SEGMENT} send.
 *   <li>{@code udp-gro}: {@code UDP_GRO} on the socket: coalesced reads, split back into datagrams (epoll only).
 * </ul>
 *
 * @see #disabling(String)
 */
public record Offloads(boolean tun, boolean tunUso, boolean tunGro, boolean udpGso, boolean udpGro) {

    /** The environment variable that lists offloads to switch off, as {@code --disable-offload} does. */
    public static final String ENVIRONMENT_VARIABLE = "WGATE_DISABLE_OFFLOADS";
    /** Every offload on (each still probed). */
    public static final Offloads ALL = new Offloads(true, true, true, true, true);
    /** The names {@link #disabling} accepts, besides {@code all} and {@code none}. */
    public static final List<String> NAMES = List.of("tun", "tun-uso", "tun-gro", "udp-gso", "udp-gro");

    /**
     * All offloads except those named in {@code list}: comma- or space-separated names from {@link #NAMES},
     * {@code all} (every one off) or {@code none} (nothing off); null or blank switches nothing off.
     *
     * @throws IllegalArgumentException naming an unknown entry and the valid names
     */
    public static Offloads disabling(String list) {
        return ALL.without(list);
    }

    /** These offloads with those named in {@code list} (see {@link #disabling}) switched off as well. */
    public Offloads without(String list) {
        if (list == null || list.isBlank()) {
            return this;
        }
        Offloads result = this;
        for (String entry : list.split("[,\\s]+")) {
            String name = entry.strip().toLowerCase(Locale.ROOT);
            result = switch (name) {
                case "" , "none" -> result;
                case "all" -> new Offloads(false, false, false, false, false);
                case "tun" -> new Offloads(false, false, false, result.udpGso, result.udpGro);
                case "tun-uso" -> new Offloads(result.tun, false, result.tunGro, result.udpGso, result.udpGro);
                case "tun-gro" -> new Offloads(result.tun, result.tunUso, false, result.udpGso, result.udpGro);
                case "udp-gso" -> new Offloads(result.tun, result.tunUso, result.tunGro, false, result.udpGro);
                case "udp-gro" -> new Offloads(result.tun, result.tunUso, result.tunGro, result.udpGso, false);
                default -> throw new IllegalArgumentException("unknown offload '" + entry.strip() + "': use "
                        + String.join(", ", NAMES) + ", all or none");
            };
        }
        return result;
    }

    /** The names of the offloads switched off, comma-separated, or {@code none}. */
    public String disabledNames() {
        Set<String> off = new LinkedHashSet<>();
        if (!tun) {
            off.add("tun");
        }
        if (tun && !tunUso) {
            off.add("tun-uso");
        }
        if (tun && !tunGro) {
            off.add("tun-gro");
        }
        if (!udpGso) {
            off.add("udp-gso");
        }
        if (!udpGro) {
            off.add("udp-gro");
        }
        return off.isEmpty() ? "none" : String.join(",", new ArrayList<>(off));
    }
}
