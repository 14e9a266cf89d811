package io.wgate.server.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A peer's {@code Endpoint}: a host and a UDP port, host not yet resolved.
 *
 * <p>Text forms, as {@code wg} accepts them: {@code 203.0.113.2:51820}, {@code [2001:db8::2]:51820}
 * (an IPv6 literal must be in brackets) and {@code gw.example.net:51820}. The port is required and
 * in 1..65535. Host names are kept as written; resolution (with retries while DNS is not up yet) is
 * the caller's job.
 *
 * @param host an IPv4 literal, an IPv6 literal without brackets (optionally with {@code %zone}), or a
 *             host name
 * @param port UDP port, 1..65535
 */
public record Endpoint(String host, int port) {

    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.startsWith("[")) {
            throw new IllegalArgumentException("host must be a bare address or name: " + Redaction.value(host));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
    }

    /**
     * Parses {@code HOST:PORT} or {@code [IPV6]:PORT}.
     *
     * @throws IllegalArgumentException with a message fit for a user, naming what is wrong
     */
    public static Endpoint parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(Redaction.value(text)
                        + " has '[' without ']'; expected e.g. [2001:db8::1]:51820");
            }
            host = text.substring(1, close);
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(Redaction.value(text)
                        + " has no port after ']'; expected e.g. [2001:db8::1]:51820");
            }
            port = text.substring(close + 2);
            if (ipv6WithOptionalZone(host).isEmpty()) {
                throw new IllegalArgumentException(Redaction.value(host) + " in brackets is not an IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(Redaction.value(text)
                        + " has no port; expected HOST:PORT, e.g. 203.0.113.2:51820");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 address needs brackets around it: "
                        + (Redaction.isPlainValue(text) ? "[" + host + "]:" + port : Redaction.value(text)));
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException(Redaction.value(text) + " has no host before the port");
            }
            if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
                if (IpLiteral.parseIpv4(host).isEmpty()) {
                    throw new IllegalArgumentException(Redaction.value(host) + " is not a valid IPv4 address");
                }
            } else if (!HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException(Redaction.value(host)
                        + " is neither an IP address nor a valid host name");
            }
        }
        return new Endpoint(host, parsePort(port, text));
    }

    private static int parsePort(String port, String whole) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(Redaction.value(port) + " in " + Redaction.value(whole)
                    + " is not a port number; expected 1..65535");
        }
        int value = Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("port " + value + " in " + Redaction.value(whole)
                    + " is out of range; expected 1..65535");
        }
        return value;
    }

    private static Optional<InetAddress> ipv6WithOptionalZone(String host) {
        int percent = host.indexOf('%');
        if (percent < 0) {
            return IpLiteral.parseIpv6(host).map(a -> a);
        }
        if (!ZONE.matcher(host.substring(percent + 1)).matches()
                || IpLiteral.parseIpv6(host.substring(0, percent)).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(host));
        } catch (IllegalArgumentException e) {
            // The zone names an interface this host does not have: still a literal, without scope.
            return IpLiteral.parseIpv6(host.substring(0, percent)).map(a -> a);
        }
    }

    /** True when the host is an IP address literal, so no DNS resolution is needed. */
    public boolean isLiteral() {
        return literalAddress().isPresent();
    }

    /** The host as an address, when it is a literal; empty for host names. */
    public Optional<InetAddress> literalAddress() {
        return host.indexOf(':') >= 0 ? ipv6WithOptionalZone(host) : IpLiteral.parseIpv4(host).map(a -> a);
    }

    /** {@code host:port}, or {@code [host]:port} for IPv6, as {@code wg} writes it. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
