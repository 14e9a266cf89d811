package io.wgate.server.uapi;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the answer to {@code get=1} into a {@link DeviceStatus}, the way {@code wg} reads it
 * (wireguard-tools {@code ipc-uapi.h}, {@code userspace_get_device}): device keys before the first
 * {@code public_key}, unknown keys ignored, the public key derived from the private key, and an
 * {@code errno=} line required.
 */
final class GetResponseParser {

    private GetResponseParser() {
    }

    /**
     * Parses the answer's lines (without the terminating blank line).
     *
     * @throws UapiException with the daemon's errno when it reported an error, or {@link UapiException#EPROTO}
     *     when the answer is malformed or has no {@code errno=} line
     */
    static DeviceStatus parse(String interfaceName, List<String> lines) throws UapiException {
        Optional<WgKey> privateKey = Optional.empty();
        int listenPort = 0;
        int fwmark = 0;
        List<PeerStatus> peers = new ArrayList<>();
        PeerFields peer = null;
        Integer errno = null;
        int number = 0;
        for (String line : lines) {
            number++;
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw malformed(interfaceName, number, "not key=value");
            }
            String key = line.substring(0, equals);
            String value = line.substring(equals + 1);
            try {
                if (key.equals("errno")) {
                    boolean negative = value.startsWith("-");
                    long magnitude = UapiValues.parseUnsigned(negative ? value.substring(1) : value, Integer.MAX_VALUE);
                    errno = (int) (negative ? -magnitude : magnitude);
                } else if (key.equals("public_key")) {
                    if (peer != null) {
                        peers.add(peer.build());
                    }
                    peer = new PeerFields(UapiValues.parseWgKey(value));
                } else if (peer == null) {
                    switch (key) {
                        case "private_key" -> privateKey = Optional.of(UapiValues.parseWgKey(value))
                                .filter(k -> !k.isZero());
                        case "listen_port" -> listenPort = UapiValues.parseU16(value);
                        case "fwmark" -> fwmark = UapiValues.parseU32(value);
                        default -> {
                        }
                    }
                } else {
                    peer.accept(key, value);
                }
            } catch (IllegalArgumentException e) {
                throw malformed(interfaceName, number, key + ": " + e.getMessage());
            }
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        if (errno == null) {
            throw new UapiException(UapiException.EPROTO, interfaceName + ": answer has no errno line");
        }
        if (errno != 0) {
            throw new UapiException(errno < 0 ? errno : -errno, interfaceName + ": daemon answered errno=" + errno);
        }
        return new DeviceStatus(interfaceName, privateKey, privateKey.map(WgKey::publicKey),
                listenPort, fwmark, peers);
    }

    private static UapiException malformed(String interfaceName, int line, String what) {
        return new UapiException(UapiException.EPROTO, interfaceName + ": answer line " + line + ": " + what);
    }

    /** The fields of the peer being read. */
    private static final class PeerFields {
        private final WgKey publicKey;
        private Optional<WgKey> presharedKey = Optional.empty();
        private Optional<InetSocketAddress> endpoint = Optional.empty();
        private long handshakeSeconds;
        private long handshakeNanos;
        private long rxBytes;
        private long txBytes;
        private int keepalive;
        private final List<Prefix> allowedIps = new ArrayList<>();

        PeerFields(WgKey publicKey) {
            this.publicKey = publicKey;
        }

        void accept(String key, String value) {
            switch (key) {
                case "preshared_key" -> presharedKey = Optional.of(UapiValues.parseWgKey(value))
                        .filter(k -> !k.isZero());
                case "endpoint" -> endpoint = Optional.of(UapiValues.parseEndpoint(value));
                case "last_handshake_time_sec" -> handshakeSeconds = UapiValues.parseUnsigned(value, Long.MAX_VALUE);
                case "last_handshake_time_nsec" -> handshakeNanos = UapiValues.parseUnsigned(value, Long.MAX_VALUE);
                case "rx_bytes" -> rxBytes = parseU64(value);
                case "tx_bytes" -> txBytes = parseU64(value);
                case "persistent_keepalive_interval" -> keepalive = UapiValues.parseU16(value);
                case "allowed_ip" -> allowedIps.add(UapiValues.parsePrefix(value));
                default -> {
                }
            }
        }

        private static long parseU64(String value) {
            if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a decimal number");
            }
            try {
                return Long.parseUnsignedLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("out of range for 64 bits");
            }
        }

        PeerStatus build() {
            return new PeerStatus(publicKey, presharedKey, endpoint, handshakeSeconds, handshakeNanos, rxBytes,
                    txBytes, keepalive, allowedIps);
        }
    }
}
