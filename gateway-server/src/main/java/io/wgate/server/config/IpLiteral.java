package io.wgate.server.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict IP address literals, as {@code inet_pton(3)} reads them: dotted-quad IPv4 with decimal
 * octets and no leading zeros, and IPv6 in any RFC 4291 text form without zone or brackets. Never
 * touches DNS. Formatting is RFC 5952 (lowercase, longest zero run compressed).
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** Parses an IPv4 or IPv6 literal; empty when {@code text} is neither. */
    public static Optional<InetAddress> parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text).map(a -> a);
        }
        return parseIpv4(text).map(a -> a);
    }

    /** Parses {@code d.d.d.d} with each {@code d} in 0..255 written without leading zeros. */
    public static Optional<Inet4Address> parseIpv4(String text) {
        byte[] octets = new byte[4];
        int octet = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return Optional.empty(); // leading zero: octal in inet_aton, rejected by inet_pton
                }
                value = (digits == 0 ? 0 : value) * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return Optional.empty();
                }
            } else if (c == '.') {
                if (digits == 0 || octet == 4) {
                    return Optional.empty();
                }
                octets[octet++] = (byte) value;
                digits = 0;
                value = -1;
            } else {
                return Optional.empty();
            }
        }
        if (octet != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(octets));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses an IPv6 literal; IPv4-mapped forms stay IPv6 (unlike {@code InetAddress}). */
    public static Optional<Inet6Address> parseIpv6(String text) {
        if (text.isEmpty() || text.indexOf(':') < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!ok) {
                return Optional.empty(); // also rejects brackets and %zone
            }
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        byte[] bytes = parsed.getAddress();
        if (bytes.length == 4) { // ::ffff:a.b.c.d came back as IPv4
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        try {
            return Optional.of(Inet6Address.getByAddress(null, bytes, -1));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Maximum prefix length of the address family: 32 or 128. */
    public static int bits(InetAddress address) {
        return address.getAddress().length * 8;
    }

    /** Dotted quad for IPv4; RFC 5952 text for IPv6 (what {@code ip} and {@code wg} print). */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        if (bestLength < 2) {
            bestStart = -1; // RFC 5952 §4.2.2: a single zero group is not compressed
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
