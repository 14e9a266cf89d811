package io.wgate.server.uapi;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import java.util.Arrays;
import java.util.List;

/**
 * Renders the answer to {@code get=1} in wireguard-go's order and format ({@code protocol.md} §3,
 * {@code device/uapi.go} {@code IpcGetOperation}): {@code private_key}, {@code listen_port},
 * {@code fwmark} (each omitted when unset or 0), then per peer {@code public_key}, {@code preshared_key}
 * (64 zeros when none), {@code protocol_version=1}, {@code endpoint} (omitted when unknown),
 * {@code last_handshake_time_sec}/{@code _nsec}, {@code tx_bytes}, {@code rx_bytes},
 * {@code persistent_keepalive_interval} and one {@code allowed_ip} line per prefix. The caller appends
 * {@code errno=0} and the blank line.
 *
 * <p>Peers come in the order they were added, prefixes sorted; wireguard-go's order is its map order,
 * which clients must not rely on.
 */
public final class GetOperation {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private GetOperation() {
    }

    /** The {@code key=value} lines describing {@code device}, each ending in {@code \n}. Call on the engine's loop. */
    public static String render(UapiDevice device) {
        Engine engine = device.engine();
        StringBuilder out = new StringBuilder(256 + 512 * engine.peers().size());
        byte[] privateKey = engine.privateKey();
        if (privateKey != null) {
            key(out, "private_key", privateKey);
            Arrays.fill(privateKey, (byte) 0);
        }
        if (device.listenPort() != 0) {
            line(out, "listen_port", Integer.toString(device.listenPort()));
        }
        if (device.fwmark() != 0) {
            line(out, "fwmark", Integer.toUnsignedString(device.fwmark()));
        }
        for (Peer peer : engine.peers()) {
            key(out, "public_key", peer.publicKey());
            byte[] psk = peer.handshake().presharedKey();
            key(out, "preshared_key", psk);
            Arrays.fill(psk, (byte) 0);
            line(out, "protocol_version", "1");
            if (peer.endpoint() != null) {
                line(out, "endpoint", UapiValues.formatEndpoint(peer.endpoint()));
            }
            long handshakeNanos = peer.lastHandshakeEpochNanos();
            line(out, "last_handshake_time_sec", Long.toString(handshakeNanos / NANOS_PER_SECOND));
            line(out, "last_handshake_time_nsec", Long.toString(handshakeNanos % NANOS_PER_SECOND));
            line(out, "tx_bytes", Long.toUnsignedString(peer.txBytes()));
            line(out, "rx_bytes", Long.toUnsignedString(peer.rxBytes()));
            line(out, "persistent_keepalive_interval", Integer.toString(peer.persistentKeepaliveSeconds()));
            List<Prefix> prefixes = engine.allowedIps(peer);
            for (Prefix prefix : prefixes) {
                line(out, "allowed_ip", UapiValues.formatPrefix(prefix));
            }
        }
        return out.toString();
    }

    private static void key(StringBuilder out, String name, byte[] key) {
        line(out, name, UapiValues.formatKey(key));
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(value).append('\n');
    }
}
