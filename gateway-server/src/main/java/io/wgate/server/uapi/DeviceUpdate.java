package io.wgate.server.uapi;

import io.wgate.server.config.WgKey;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The device section of a {@code set} request: the lines before the first {@code public_key}. Absent
 * fields leave the setting unchanged; a key given twice keeps the last value, as applying both in turn
 * would.
 *
 * @param privateKey   new private key; an all-zero key removes the identity
 * @param listenPort   new UDP port, 0 = pick a random one
 * @param fwmark       new firewall mark (an unsigned 32-bit value in an int), 0 = off
 * @param replacePeers {@code replace_peers=true}: remove every peer before the peer sections apply
 */
public record DeviceUpdate(Optional<WgKey> privateKey, OptionalInt listenPort, OptionalInt fwmark,
                           boolean replacePeers) {

    /** A device section without any line. */
    public static final DeviceUpdate NONE = new DeviceUpdate(Optional.empty(), OptionalInt.empty(),
            OptionalInt.empty(), false);

    /** Checks for nulls and the port range. */
    public DeviceUpdate {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(listenPort, "listenPort");
        Objects.requireNonNull(fwmark, "fwmark");
        if (listenPort.isPresent() && (listenPort.getAsInt() < 0 || listenPort.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException("listen port must be 0..65535");
        }
    }
}
