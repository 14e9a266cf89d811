package io.wgate.server.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code [Interface]} section.
 *
 * <p>wg keys (handed to the engine): {@code privateKey}, {@code listenPort}, {@code fwMark}.
 * wg-quick keys (handed to the host network setup): the rest.
 *
 * @param privateKey       this gateway's static private key (required)
 * @param listenPort       UDP port, 1..65535; 0 = not set, pick a random port (as {@code wg})
 * @param addresses        the interface's own addresses, in file order
 * @param mtu              explicit MTU (576..65535), or empty to compute it as wg-quick does
 * @param dnsServers       {@code DNS} entries that are IP addresses (nameservers), in file order
 * @param dnsSearchDomains {@code DNS} entries that are not (search domains), in file order
 * @param table            where routes for AllowedIPs go
 * @param fwMark           u32 firewall mark for the UDP sockets; 0 = off
 * @param hooks            PreUp/PostUp/PreDown/PostDown commands
 * @param saveConfig       wg-quick's {@code SaveConfig}: rewrite the file from live state on down
 */
public record InterfaceConfig(
        WgKey privateKey,
        int listenPort,
        List<InterfaceAddress> addresses,
        OptionalInt mtu,
        List<InetAddress> dnsServers,
        List<String> dnsSearchDomains,
        RouteTable table,
        long fwMark,
        Hooks hooks,
        boolean saveConfig) {

    /** Largest fwmark ({@code u32}). */
    public static final long MAX_FWMARK = 0xFFFF_FFFFL;

    public InterfaceConfig {
        Objects.requireNonNull(privateKey, "privateKey");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort " + listenPort + " is not in 0..65535");
        }
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(mtu, "mtu");
        dnsServers = List.copyOf(dnsServers);
        dnsSearchDomains = List.copyOf(dnsSearchDomains);
        Objects.requireNonNull(table, "table");
        if (fwMark < 0 || fwMark > MAX_FWMARK) {
            throw new IllegalArgumentException("fwMark " + fwMark + " is not a u32");
        }
        Objects.requireNonNull(hooks, "hooks");
    }

    /** True when any address is IPv6. */
    public boolean hasIpv6Address() {
        return addresses.stream().anyMatch(InterfaceAddress::isIpv6);
    }

    /** Everything but the private key, which shows as {@code (hidden)}. */
    @Override
    public String toString() {
        return "InterfaceConfig[privateKey=(hidden), listenPort=" + listenPort + ", addresses=" + addresses
                + ", mtu=" + mtu + ", dnsServers=" + dnsServers + ", dnsSearchDomains=" + dnsSearchDomains
                + ", table=" + table + ", fwMark=" + fwMark + ", hooks=" + hooks + ", saveConfig=" + saveConfig + "]";
    }
}
