package io.wgate.server.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code Address} of the interface: the host's own address on the tunnel together with the
 * length of the on-link prefix, host bits kept ({@code 172.16.1.1/24}). Without a length the
 * address stands alone ({@code /32} or {@code /128}), which is what {@code ip address add} does.
 *
 * @param address      the interface's own address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record InterfaceAddress(InetAddress address, int prefixLength) {

    public InterfaceAddress {
        Objects.requireNonNull(address, "address");
        int bits = IpLiteral.bits(address);
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0.." + bits);
        }
    }

    /**
     * Parses {@code ADDRESS[/LENGTH]}.
     *
     * @throws IllegalArgumentException with a message fit for a user, naming what is wrong
     */
    public static InterfaceAddress parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        Optional<InetAddress> address = IpLiteral.parse(host);
        if (address.isEmpty()) {
            throw new IllegalArgumentException(Redaction.value(text) + " is not an IPv4 or IPv6 address"
                    + (host.startsWith("[") ? " (write IPv6 addresses without brackets)" : "")
                    + "; expected e.g. 10.0.0.1/24 or fd00::1/64");
        }
        int bits = IpLiteral.bits(address.get());
        if (slash < 0) {
            return new InterfaceAddress(address.get(), bits);
        }
        int length = parsePrefixLength(text.substring(slash + 1), bits, text);
        return new InterfaceAddress(address.get(), length);
    }

    static int parsePrefixLength(String digits, int bits, String whole) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(Redaction.value(whole) + " has no valid prefix length after '/'; expected 0.."
                    + bits);
        }
        int length = Integer.parseInt(digits);
        if (length > bits) {
            throw new IllegalArgumentException("prefix length /" + length + " in " + Redaction.value(whole) + " is longer than "
                    + bits + " bits");
        }
        return length;
    }

    /** True for an IPv6 address ({@code ip -6 address add}). */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** {@code ADDRESS/LENGTH}, always with the length, as {@code ip} expects it. */
    @Override
    public String toString() {
        return IpLiteral.format(address) + "/" + prefixLength;
    }
}
