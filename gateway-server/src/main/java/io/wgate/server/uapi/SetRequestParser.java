package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses the lines of one {@code set=1} request into a {@link UapiRequest.Set}, validating every value
 * before anything is applied. Keys and value formats follow wireguard-go's {@code device/uapi.go}
 * (https://www.wireguard.com/xplatform/, wireguard-go {@code device/uapi.go}): a line without {@code =} is {@link
 * UapiException#EPROTO}; an unknown key
 * or a bad value is {@link UapiException#EINVAL}. The first {@code public_key} ends the device section,
 * so device keys after it are unknown peer keys.
 *
 * <p>Pure and single-use: feed lines with {@link #accept}, then call {@link #finish}. Line numbers in
 * messages count the {@code set=1} line as line 1. A message names the line, the key (only when it looks
 * like a key name, {@link Redaction#name}) and the problem, never the value: a key pasted on the wrong
 * line never reaches the log.
 */
public final class SetRequestParser {

    private Optional<WgKey> privateKey = Optional.empty();
    private OptionalInt listenPort = OptionalInt.empty();
    private OptionalInt fwmark = OptionalInt.empty();
    private boolean replacePeers;
    private final List<PeerUpdate> peers = new ArrayList<>();
    private PeerBuilder peer;
    private int lineNumber = 1;

    /** Parses a whole request body (the lines after {@code set=1}, without the terminating blank line). */
    public static UapiRequest.Set parse(String body) throws UapiException {
        SetRequestParser parser = new SetRequestParser();
        try {
            if (!body.isEmpty()) {
                for (String line : body.split("\n", -1)) {
                    if (line.isEmpty()) {
                        break; // the terminating blank line, or the trailing split after the last '\n'
                    }
                    parser.accept(line);
                }
            }
        } catch (UapiException e) {
            parser.wipe();
            throw e;
        }
        return parser.finish();
    }

    /**
     * Parses one {@code key=value} line (without its newline; never the blank terminator).
     *
     * @throws UapiException at the first bad line; the parser must not be used afterwards
     */
    public void accept(String line) throws UapiException {
        lineNumber++;
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw new UapiException(UapiException.EPROTO,
                    "line " + lineNumber + ": not key=value (no '=' in " + line.length() + " characters)");
        }
        String key = line.substring(0, equals);
        String value = line.substring(equals + 1);
        try {
            if (key.equals("public_key")) {
                startPeer(value);
            } else if (peer == null) {
                deviceLine(key, value);
            } else {
                peerLine(key, value);
            }
        } catch (IllegalArgumentException e) {
            // Only known keys reach a value parser; their messages never hold the value.
            throw UapiException.invalid("line " + lineNumber + ": " + key + ": " + e.getMessage());
        }
    }

    /**
     * Wipes the keys read so far: for a request that is dropped before it was finished (a bad line, a
     * connection closed in the middle). Not needed after {@link #finish}: the request holds them then.
     */
    public void wipe() {
        privateKey.ifPresent(WgKey::wipe);
        if (peer != null) {
            peer.presharedKey.ifPresent(WgKey::wipe);
        }
        for (PeerUpdate p : peers) {
            p.presharedKey().ifPresent(WgKey::wipe);
        }
    }

    /** The parsed request. */
    public UapiRequest.Set finish() {
        endPeer();
        return new UapiRequest.Set(new DeviceUpdate(privateKey, listenPort, fwmark, replacePeers), peers);
    }

    private void deviceLine(String key, String value) throws UapiException {
        switch (key) {
            case "private_key" -> {
                privateKey.ifPresent(WgKey::wipe); // given twice: the last one counts
                privateKey = Optional.of(UapiValues.parseWgKey(value));
            }
            case "listen_port" -> listenPort = OptionalInt.of(UapiValues.parseU16(value));
            case "fwmark" -> fwmark = OptionalInt.of(UapiValues.parseU32(value));
            case "replace_peers" -> replacePeers = requireTrue(value);
            default -> throw UapiException.invalid("line " + lineNumber + ": unknown device key "
                    + Redaction.name(key, SetRequestParser::isKey));
        }
    }

    private void startPeer(String value) {
        endPeer();
        peer = new PeerBuilder(UapiValues.parseWgKey(value), lineNumber);
    }

    private void peerLine(String key, String value) throws UapiException {
        PeerBuilder p = peer;
        switch (key) {
            case "update_only" -> p.updateOnly |= requireTrue(value);
            case "remove" -> p.remove |= requireTrue(value);
            case "preshared_key" -> {
                p.presharedKey.ifPresent(WgKey::wipe);
                p.presharedKey = Optional.of(UapiValues.parseWgKey(value));
            }
            case "endpoint" -> p.endpoint = Optional.of(endpoint(value));
            case "persistent_keepalive_interval" -> p.keepalive = OptionalInt.of(UapiValues.parseU16(value));
            case "replace_allowed_ips" -> {
                requireTrue(value);
                p.allowedIps.add(AllowedIpChange.clear());
            }
            case "allowed_ip" -> p.allowedIps.add(value.startsWith("-")
                    ? AllowedIpChange.remove(prefix(value.substring(1)))
                    : AllowedIpChange.add(prefix(value)));
            case "protocol_version" -> {
                if (!value.equals("1")) {
                    throw new IllegalArgumentException("only protocol version 1 exists");
                }
            }
            default -> throw UapiException.invalid("line " + lineNumber + ": unknown peer key "
                    + Redaction.name(key, SetRequestParser::isKey)
                    + (isDeviceKey(key) ? " (device keys must come before the first public_key)" : ""));
        }
    }

    private void endPeer() {
        if (peer != null) {
            peers.add(peer.build());
            peer = null;
        }
    }

    /** Whether {@code key} is one of the keys of a {@code set} request, in either section. */
    static boolean isKey(String key) {
        return isDeviceKey(key) || switch (key) {
            case "public_key", "update_only", "remove", "preshared_key", "endpoint", "persistent_keepalive_interval",
                 "replace_allowed_ips", "allowed_ip", "protocol_version" -> true;
            default -> false;
        };
    }

    private static boolean isDeviceKey(String key) {
        return switch (key) {
            case "private_key", "listen_port", "fwmark", "replace_peers" -> true;
            default -> false;
        };
    }

    private static InetSocketAddress endpoint(String value) {
        return UapiValues.parseEndpoint(value);
    }

    private static Prefix prefix(String value) {
        return UapiValues.parsePrefix(value);
    }

    private static boolean requireTrue(String value) {
        if (!value.equals("true")) {
            throw new IllegalArgumentException("the only valid value is 'true'");
        }
        return true;
    }

    /** The mutable state of the peer section being read. */
    private static final class PeerBuilder {
        final WgKey publicKey;
        final int line;
        boolean updateOnly;
        boolean remove;
        Optional<WgKey> presharedKey = Optional.empty();
        Optional<InetSocketAddress> endpoint = Optional.empty();
        OptionalInt keepalive = OptionalInt.empty();
        final List<AllowedIpChange> allowedIps = new ArrayList<>();

        PeerBuilder(WgKey publicKey, int line) {
            this.publicKey = publicKey;
            this.line = line;
        }

        PeerUpdate build() {
            return new PeerUpdate(publicKey, line, updateOnly, remove, presharedKey, endpoint, keepalive, allowedIps);
        }
    }
}
