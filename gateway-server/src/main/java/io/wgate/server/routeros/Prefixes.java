package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import java.util.List;

/** Containment of prefixes and addresses (for the import's route report, the exporter and {@code wgate check}). */
public final class Prefixes {

    private Prefixes() {
    }

    /** Whether {@code outer} contains all of {@code inner}. */
    public static boolean covers(Prefix outer, Prefix inner) {
        return outer.address().length == inner.address().length && outer.cidr() <= inner.cidr()
                && contains(outer, inner.address());
    }

    /** Whether some prefix of {@code list} covers {@code inner}. */
    public static boolean anyCovers(List<Prefix> list, Prefix inner) {
        return list.stream().anyMatch(p -> covers(p, inner));
    }

    /** Whether two prefixes share an address. */
    public static boolean overlap(Prefix a, Prefix b) {
        return covers(a, b) || covers(b, a);
    }

    /** The host prefix ({@code /32}, {@code /128}) of an interface address. */
    public static Prefix host(InterfaceAddress address) {
        byte[] bytes = address.address().getAddress();
        return new Prefix(bytes, bytes.length * 8);
    }

    /** The network of an interface address. */
    public static Prefix network(InterfaceAddress address) {
        return new Prefix(address.address().getAddress(), address.prefixLength());
    }

    public static boolean contains(Prefix prefix, byte[] address) {
        byte[] network = prefix.address();
        if (network.length != address.length) {
            return false;
        }
        int bits = prefix.cidr();
        for (int i = 0; i < network.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((network[i] & mask) != (address[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
