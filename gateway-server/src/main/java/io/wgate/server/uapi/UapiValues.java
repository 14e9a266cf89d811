package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.IpLiteral;
import io.wgate.server.config.WgKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The value formats of UAPI lines (https://www.wireguard.com/xplatform/), parsed as strictly as wireguard-go parses
 * them ({@code device/uapi.go}: Go's {@code hex}, {@code strconv.ParseUint}, {@code netip}) and
 * printed as it prints them. Never resolves host names: {@code wg} resolves them before it writes.
 *
 * <p>Parse methods throw {@link IllegalArgumentException} with a message that says what is wrong and never
 * echoes the value (a key pasted on the wrong line must not reach the log); the caller adds the line and
 * key.
 */
public final class UapiValues {

    /** Length of a key in bytes (Curve25519 keys and preshared keys). */
    public static final int KEY_LENGTH = 32;
    /** Length of a key's UAPI text form: hex, two digits per byte. */
    public static final int KEY_HEX_LENGTH = 2 * KEY_LENGTH;

    private static final HexFormat HEX = HexFormat.of();

    private UapiValues() {
    }

    /** A key from exactly 64 hex digits, either case (wg writes lowercase). */
    public static byte[] parseKey(String value) {
        if (value.length() != KEY_HEX_LENGTH) {
            throw new IllegalArgumentException("a key is " + KEY_HEX_LENGTH + " hex digits, got "
                    + value.length() + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new IllegalArgumentException("a key is hex digits only (character " + (i + 1) + " is not)");
            }
        }
        return HEX.parseHex(value);
    }

    /** {@link #parseKey} as a {@link WgKey}; the temporary bytes are wiped. */
    public static WgKey parseWgKey(String value) {
        byte[] bytes = parseKey(value);
        try {
            return WgKey.of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The UAPI form of a key: 64 lowercase hex digits. */
    public static String formatKey(byte[] key) {
        return HEX.formatHex(key);
    }

    /** A decimal number in {@code 0..max}: digits only, as {@code strconv.ParseUint(s, 10, bits)}. */
    public static long parseUnsigned(String value, long max) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty (want a decimal number)");
        }
        if (value.length() > 20) {
            throw new IllegalArgumentException("not a decimal number (" + value.length() + " characters)");
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a decimal number (character " + (i + 1) + " is not a digit)");
            }
            if (result > (max - (c - '0')) / 10) {
                throw new IllegalArgumentException("out of range 0.." + max);
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }

    /** A port or interval: {@link #parseUnsigned} with {@code max} 65535. */
    public static int parseU16(String value) {
        return (int) parseUnsigned(value, 0xffff);
    }

    /** An fwmark: {@link #parseUnsigned} with {@code max} 2^32-1, as a Java {@code int} bit pattern. */
    public static int parseU32(String value) {
        return (int) parseUnsigned(value, 0xffff_ffffL);
    }

    /**
     * An endpoint: {@code a.b.c.d:port} or {@code [v6]:port}, optionally {@code [v6%zone]:port} with a
     * numeric zone or a local interface name (as {@code netip.ParseAddrPort} accepts). IP literals only.
     */
    public static InetSocketAddress parseEndpoint(String value) {
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("no ']' after '[' (want [IPv6]:port)");
            }
            if (close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("no port after ']' (want [IPv6]:port)");
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
            return new InetSocketAddress(parseIpv6WithZone(host), parsePort(port));
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("no port (want address:port)");
        }
        host = value.substring(0, colon);
        port = value.substring(colon + 1);
        Inet4Address address = IpLiteral.parseIpv4(host).orElseThrow(() -> new IllegalArgumentException(
                "the address is not IPv4 (want IPv4:port or [IPv6]:port; host names are not resolved here)"));
        return new InetSocketAddress(address, parsePort(port));
    }

    private static int parsePort(String port) {
        try {
            return parseU16(port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("port: " + e.getMessage(), e);
        }
    }

    private static Inet6Address parseIpv6WithZone(String host) {
        int percent = host.indexOf('%');
        String literal = percent < 0 ? host : host.substring(0, percent);
        Inet6Address address = IpLiteral.parseIpv6(literal).orElseThrow(
                () -> new IllegalArgumentException("no IPv6 address in the brackets"));
        if (percent < 0) {
            return address;
        }
        String zone = host.substring(percent + 1);
        try {
            if (!zone.isEmpty() && zone.chars().allMatch(c -> c >= '0' && c <= '9') && zone.length() < 10) {
                return Inet6Address.getByAddress(null, address.getAddress(), Integer.parseInt(zone));
            }
            NetworkInterface nif = zone.isEmpty() ? null : NetworkInterface.getByName(zone);
            if (nif == null || nif.getIndex() <= 0) {
                throw new IllegalArgumentException("the zone is not a local interface");
            }
            return Inet6Address.getByAddress(null, address.getAddress(), nif.getIndex());
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("the zone cannot be looked up (" + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /**
     * The UAPI form of an endpoint: {@code 192.0.2.1:51820}, {@code [2001:db8::1]:51820},
     * {@code [fe80::1%eth0]:51820} (as Go's {@code netip.AddrPort.String}; a zone prints as the
     * interface's name when it has one, else as its number, as {@code getnameinfo} does).
     */
    public static String formatEndpoint(InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        String text = formatAddress(address.getAddress());
        if (!(address instanceof Inet6Address v6)) {
            return text + ":" + endpoint.getPort();
        }
        return "[" + text + zone(v6) + "]:" + endpoint.getPort();
    }

    private static String zone(Inet6Address address) {
        if (address.getScopedInterface() != null) {
            return "%" + address.getScopedInterface().getName();
        }
        int id = address.getScopeId();
        if (id == 0) {
            return "";
        }
        try {
            NetworkInterface nif = NetworkInterface.getByIndex(id);
            return "%" + (nif != null ? nif.getName() : Integer.toString(id));
        } catch (SocketException e) {
            return "%" + id;
        }
    }

    /**
     * An address as {@code wg} and wireguard-go print it: dotted quad, RFC 5952 IPv6, and an IPv4-mapped
     * IPv6 address as {@code ::ffff:a.b.c.d} (Go's {@code netip} and glibc's {@code inet_ntop} agree there).
     */
    public static String formatAddress(byte[] address) {
        if (address.length == 16 && isIpv4Mapped(address)) {
            return "::ffff:" + (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "."
                    + (address[15] & 0xff);
        }
        try {
            return IpLiteral.format(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + address.length, e);
        }
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** {@code address/length} with {@link #formatAddress}, as {@code allowed_ip} lines and {@code wg show} print it. */
    public static String formatPrefix(Prefix prefix) {
        return formatAddress(prefix.address()) + "/" + prefix.cidr();
    }

    /**
     * An allowed IP: {@code address/length}, the length mandatory, decimal, without leading zeros
     * (as {@code netip.ParsePrefix}); host bits are allowed and cleared. No zone.
     */
    public static Prefix parsePrefix(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("no prefix length (want address/prefix-length)");
        }
        String host = value.substring(0, slash);
        String length = value.substring(slash + 1);
        Optional<? extends InetAddress> address = IpLiteral.parse(host);
        if (address.isEmpty()) {
            throw new IllegalArgumentException("the address is not an IP address (want address/prefix-length)");
        }
        byte[] bytes = address.get().getAddress();
        int maxBits = bytes.length * Byte.SIZE;
        if (length.isEmpty() || length.length() > 3 || (length.length() > 1 && length.charAt(0) == '0')
                || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the prefix length is not a number");
        }
        int cidr = Integer.parseInt(length);
        if (cidr > maxBits) {
            throw new IllegalArgumentException("prefix length out of range 0.." + maxBits);
        }
        return new Prefix(bytes, cidr);
    }
}
