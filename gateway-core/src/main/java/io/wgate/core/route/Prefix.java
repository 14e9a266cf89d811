package io.wgate.core.route;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 prefix ({@code 10.0.0.0/8}, {@code fd00::/64}) as configured in {@code AllowedIPs}
 * (whitepaper §2; kernel {@code allowedips.c}). The address is stored with its host bits cleared, so
 * {@code 10.1.2.3/8} and {@code 10.0.0.0/8}
 * are the same prefix; equality and hashing are by content. Immutable: the array is copied in and out.
 *
 * <p>Ordering (used by {@code show} and the UAPI): IPv4 before IPv6, then by address as an unsigned number, then by
 * prefix length.
 *
 * @param address 4 or 16 bytes, network order; host bits are cleared on construction
 * @param cidr prefix length, 0..32 for IPv4, 0..128 for IPv6
 */
public record Prefix(byte[] address, int cidr) implements Comparable<Prefix> {

    /**
     * Validates and masks.
     *
     * @throws IllegalArgumentException if the address is not 4 or 16 bytes or the prefix length is out of range
     */
    public Prefix {
        check(address, cidr);
        address = mask(address, cidr);
    }

    /**
     * Parses {@code address/cidr}; a bare address means a host prefix (/32 or /128), as {@code wg} accepts.
     * Surrounding whitespace is ignored; host bits are cleared.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static Prefix parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (host.isEmpty()) {
            throw bad(text, "missing address");
        }
        byte[] address = host.indexOf('[') >= 0 || host.indexOf('%') >= 0
                ? null
                : NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            throw bad(text, "'" + host + "' is not an IPv4 or IPv6 address");
        }
        int maxBits = address.length * Byte.SIZE;
        if (slash < 0) {
            return new Prefix(address, maxBits);
        }
        String length = trimmed.substring(slash + 1);
        if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text, "prefix length '" + length + "' is not a number");
        }
        int cidr = Integer.parseInt(length);
        if (cidr > maxBits) {
            throw bad(text, "prefix length " + cidr + " is out of range 0.." + maxBits + " for "
                    + (maxBits == 32 ? "IPv4" : "IPv6"));
        }
        return new Prefix(address, cidr);
    }

    /** A copy of the (masked) address bytes. */
    @Override
    public byte[] address() {
        return address.clone();
    }

    /** Whether this is an IPv4 prefix (4-byte address). */
    public boolean isIpv4() {
        return address.length == 4;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix other && cidr == other.cidr && Arrays.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + cidr;
    }

    /** {@code 10.0.0.0/8}, {@code fd00::/64} (RFC 5952 form). */
    @Override
    public String toString() {
        return NetUtil.bytesToIpAddress(address) + "/" + cidr;
    }

    @Override
    public int compareTo(Prefix other) {
        int c = Integer.compare(address.length, other.address.length);
        if (c == 0) {
            c = Arrays.compareUnsigned(address, other.address);
        }
        return c != 0 ? c : Integer.compare(cidr, other.cidr);
    }

    /**
     * Checks an address / prefix length pair as given to {@link AllowedIps}.
     *
     * @throws IllegalArgumentException if the address is not 4 or 16 bytes or the prefix length is out of range
     */
    static void check(byte[] address, int cidr) {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException(
                    "address must be 4 (IPv4) or 16 (IPv6) bytes, got " + address.length);
        }
        int maxBits = address.length * Byte.SIZE;
        if (cidr < 0 || cidr > maxBits) {
            throw new IllegalArgumentException("prefix length " + cidr + " is out of range 0.." + maxBits + " for "
                    + (maxBits == 32 ? "IPv4" : "IPv6"));
        }
    }

    private static byte[] mask(byte[] address, int cidr) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.clamp(cidr - i * Byte.SIZE, 0, Byte.SIZE);
            masked[i] &= (byte) (0xff00 >>> keep);
        }
        return masked;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad prefix '" + text + "': " + why);
    }
}
