package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.IpLiteral;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads one {@code /interface wireguard peers add} command (MikroTik help, "WireGuard", peer properties; the
 * {@code endpoint=IP:PORT} form of early v7 releases too).
 */
final class PeerReader {

    /** RouterOS leaves the port empty for "any"; wg-quick needs one: the usual WireGuard port, with a warning. */
    static final int DEFAULT_ENDPOINT_PORT = 51820;

    private static final Set<String> KNOWN = Set.of("interface", "public-key", "preshared-key", "allowed-address",
            "endpoint-address", "endpoint-port", "endpoint", "persistent-keepalive", "comment", "name", "disabled");
    /** Known, but with no place in a wg-quick file: noted once per peer. */
    private static final Set<String> NO_EQUIVALENT = Set.of("is-responder", "responder", "private-key",
            "client-address", "client-dns", "client-endpoint", "client-keepalive", "client-listen-port");
    /** Read-only status columns that some exports carry. */
    private static final Set<String> STATUS = Set.of("current-endpoint-address", "current-endpoint-port",
            "last-handshake", "rx", "tx", "dynamic");

    private static final Set<String> ALL = Stream.of(KNOWN, NO_EQUIVALENT, STATUS).flatMap(Set::stream)
            .collect(Collectors.toUnmodifiableSet());

    private PeerReader() {
    }

    /** The peer, or empty when it has an error (reported through {@code in}). */
    static Optional<WireguardPeer> read(PropertyReader in, RouterOsCommand c) {
        Optional<WgKey> publicKey = in.key("public-key");
        if (publicKey.isEmpty() && !in.failed()) {
            in.error("public-key", "a peer needs its public key (public-key=...)");
        }
        if (c.get("interface").filter(v -> !v.isEmpty()).isEmpty()) {
            in.error("interface", "a peer needs the WireGuard interface it belongs to (interface=...)");
        }
        Optional<WgKey> psk = in.key("preshared-key");
        List<Prefix> allowed = in.prefixes("allowed-address");
        int keepalive = in.seconds("persistent-keepalive", 65535).orElse(0);
        Optional<Endpoint> endpoint = endpoint(in, c);
        Optional<String> name = c.get("name").or(() -> c.get("comment")).filter(v -> !v.isBlank())
                .map(v -> v.replaceAll("[\\r\\n]+", " ").strip());
        in.warnUnknown(ALL);
        for (String p : c.properties().keySet()) {
            if (NO_EQUIVALENT.contains(p)) {
                in.warn(p, "no wg-quick equivalent; not imported");
            }
        }
        if (in.failed()) {
            return Optional.empty();
        }
        return Optional.of(new WireguardPeer(c.line(), publicKey.orElseThrow(), psk, allowed, endpoint, keepalive,
                name, c.lines()));
    }

    private static Optional<Endpoint> endpoint(PropertyReader in, RouterOsCommand c) {
        Optional<String> combined = c.get("endpoint").filter(v -> !v.isEmpty());
        String host = c.get("endpoint-address").orElse("").strip();
        String port = c.get("endpoint-port").orElse("").strip();
        if (combined.isPresent()) {
            try {
                return Optional.of(Endpoint.parse(combined.get()));
            } catch (IllegalArgumentException e) {
                in.error("endpoint", PropertyReader.rejected(combined.get(), e, "is not an endpoint")
                        + " (the early v7 form is endpoint=IP:PORT, [IPv6]:PORT)");
                return Optional.empty();
            }
        }
        if (host.isEmpty()) {
            return Optional.empty();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int number = DEFAULT_ENDPOINT_PORT;
        if (port.isEmpty() || port.equals("0")) {
            in.warn("endpoint-address", "endpoint-address without endpoint-port; the import uses port "
                    + DEFAULT_ENDPOINT_PORT + ": check it");
        } else {
            var parsed = in.number("endpoint-port", 1, 65535);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            number = parsed.getAsInt();
        }
        String text = IpLiteral.parseIpv6(host).isPresent() ? "[" + host + "]:" + number : host + ":" + number;
        try {
            return Optional.of(Endpoint.parse(text));
        } catch (IllegalArgumentException e) {
            in.error("endpoint-address", Redaction.value(host) + " is not an IP address or host name");
            return Optional.empty();
        }
    }
}
