package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import java.util.Objects;

/**
 * One change to a peer's allowed IPs, kept in request order because order matters: a
 * {@code replace_allowed_ips=true} after some {@code allowed_ip} lines clears those too.
 *
 * @param op     what to do
 * @param prefix the prefix to add or remove; null for {@link Op#CLEAR}
 */
public record AllowedIpChange(Op op, Prefix prefix) {

    /**
     * The three allowed-IP operations of the UAPI (https://www.wireguard.com/xplatform/; wireguard-go
     * {@code device/uapi.go}).
     */
    public enum Op {
        /** {@code allowed_ip=prefix}: route the prefix to this peer (moving it from another). */
        ADD,
        /** {@code allowed_ip=-prefix}: drop the prefix if this peer owns it. */
        REMOVE,
        /** {@code replace_allowed_ips=true}: drop all of this peer's prefixes. */
        CLEAR
    }

    /** Checks that a prefix is given exactly when the operation needs one. */
    public AllowedIpChange {
        Objects.requireNonNull(op, "op");
        if ((op == Op.CLEAR) != (prefix == null)) {
            throw new IllegalArgumentException(op + (prefix == null ? " needs a prefix" : " takes no prefix"));
        }
    }

    /** {@code allowed_ip=prefix}. */
    public static AllowedIpChange add(Prefix prefix) {
        return new AllowedIpChange(Op.ADD, Objects.requireNonNull(prefix, "prefix"));
    }

    /** {@code allowed_ip=-prefix}. */
    public static AllowedIpChange remove(Prefix prefix) {
        return new AllowedIpChange(Op.REMOVE, Objects.requireNonNull(prefix, "prefix"));
    }

    /** {@code replace_allowed_ips=true}. */
    public static AllowedIpChange clear() {
        return new AllowedIpChange(Op.CLEAR, null);
    }
}
