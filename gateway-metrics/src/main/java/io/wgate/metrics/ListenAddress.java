package io.wgate.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the metrics endpoint listens, from {@code --metrics ADDR[:PORT]} or {@value #ENVIRONMENT_VARIABLE}:
 * {@code 127.0.0.1:9586}, {@code 0.0.0.0} (port {@value #DEFAULT_PORT}), {@code [::1]:9586}, {@code [::]},
 * {@code :9586} (every address). Only IP literals: a host name would make the bind address depend on DNS.
 */
public final class ListenAddress {

    /** The environment variable that switches the endpoint on. */
    public static final String ENVIRONMENT_VARIABLE = "WGATE_METRICS";
    /** prometheus_wireguard_exporter's port, which scrape configs already name. */
    public static final int DEFAULT_PORT = 9586;

    private ListenAddress() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static InetSocketAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the metrics address is empty; give ADDR[:PORT], e.g. 127.0.0.1:"
                    + DEFAULT_PORT);
        }
        String s = text.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid(text, "an IPv6 address in brackets lacks its ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(text, "expected ':PORT' after ']'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                throw invalid(text, "put an IPv6 address in brackets: [ADDR]:PORT");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        int portNumber = port == null ? DEFAULT_PORT : portNumber(text, port);
        if (host.isEmpty()) {
            return new InetSocketAddress(portNumber);
        }
        if (!isIpLiteral(host)) {
            throw invalid(text, "'" + host + "' is not an IP address (host names are not accepted)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), portNumber);
        } catch (UnknownHostException e) {
            throw invalid(text, "'" + host + "' is not an IP address");
        }
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return host.matches("[0-9A-Fa-f:.]+");
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") && java.util.Arrays.stream(host.split("\\."))
                .allMatch(octet -> Integer.parseInt(octet) <= 255);
    }

    private static int portNumber(String text, String port) {
        try {
            int n = Integer.parseInt(port);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(text, "port '" + port + "' is not a number from 1 to 65535");
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("metrics address '" + text + "': " + why);
    }
}
