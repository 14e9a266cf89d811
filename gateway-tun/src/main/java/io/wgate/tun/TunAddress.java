package io.wgate.tun;

import java.io.Serial;
import java.net.SocketAddress;

/**
 * Names a TUN interface ({@code "wg0"}): the {@link TunChannel#localAddress()} of a channel.
 *
 * <p>Names follow the kernel's rules ({@code dev_valid_name} in net/core/dev.c): 1 to 15 bytes, no {@code "."} or
 * {@code ".."}; this class is stricter and accepts only {@code [a-zA-Z0-9_=+.-]}, which also keeps names safe
 * to pass to {@code ip(8)}.
 */
public final class TunAddress extends SocketAddress {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Longest interface name: {@code IFNAMSIZ - 1}. */
    public static final int MAX_NAME_LENGTH = Ifreq.IFNAMSIZ - 1;

    private final String name;

    /**
     * Creates an address for interface {@code name}.
     *
     * @throws IllegalArgumentException if the name is not a valid interface name (see {@link #checkName})
     */
    public TunAddress(String name) {
        this.name = checkName(name);
    }

    /** The interface name. */
    public String name() {
        return name;
    }

    /**
     * Returns {@code name} if it is a valid interface name, else throws an {@link IllegalArgumentException} that
     * says what is wrong with it.
     */
    public static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("interface name is null");
        }
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("interface name '" + name + "' has " + name.length()
                    + " characters; it must have 1 to " + MAX_NAME_LENGTH);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is reserved");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameChar(c)) {
                throw new IllegalArgumentException("interface name '" + name + "' has character '" + c
                        + "' at index " + i + "; allowed are letters, digits and _=+.-");
            }
        }
        return name;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '=' || c == '+' || c == '.' || c == '-';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunAddress other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "tun:" + name;
    }
}
