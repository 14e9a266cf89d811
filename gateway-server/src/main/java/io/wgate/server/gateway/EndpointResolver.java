package io.wgate.server.gateway;

import io.wgate.server.config.Endpoint;
import io.wgate.server.config.Redaction;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Turns a configured endpoint into a socket address: IP literals directly, host names through the
 * system resolver with retries (as {@code wg} does, {@code WG_ENDPOINT_RESOLUTION_RETRIES}), so a
 * gateway that boots before DNS is reachable still comes up.
 */
final class EndpointResolver {

    private static final System.Logger LOG = System.getLogger(EndpointResolver.class.getName());
    private static final long RETRY_DELAY_MILLIS = 1000;

    static {
        // Retries must really ask the resolver again: the JVM caches failed lookups (10 s by default), which
        // would turn most attempts into instant repeats of the first failure. Lookups made again while the gateway
        // runs (EndpointRefresher) must see a changed address, not the JVM's cached answer (30 s by default): the
        // system resolver (nscd, systemd-resolved) caches by the records' own TTLs. The launcher also passes
        // -Dsun.net.inetaddr.ttl=0 and -Dsun.net.inetaddr.negative.ttl=0, which count if the cache policy was read
        // before this class.
        java.security.Security.setProperty("networkaddress.cache.ttl", "0");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    private final int attempts;

    EndpointResolver(int attempts) {
        this.attempts = attempts;
    }

    /**
     * Resolves {@code endpoint}, preferring the first address the resolver returns (as getaddrinfo
     * orders them).
     *
     * @throws UnknownHostException naming the host, after the last attempt
     */
    InetSocketAddress resolve(Endpoint endpoint) throws UnknownHostException, InterruptedException {
        if (endpoint.isLiteral()) {
            return new InetSocketAddress(endpoint.literalAddress().orElseThrow(), endpoint.port());
        }
        String reason = "";
        String shown = Redaction.text(endpoint.host()); // a valid host name, but a URL-safe base64 key is one too
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                InetAddress address = InetAddress.getAllByName(endpoint.host())[0];
                return new InetSocketAddress(address, endpoint.port());
            } catch (UnknownHostException e) {
                reason = reasonWithoutHost(e, endpoint.host());
                LOG.log(Level.WARNING, "cannot resolve endpoint host {0} (attempt {1} of {2})", shown,
                        attempt, attempts);
                if (attempt < attempts) {
                    Thread.sleep(RETRY_DELAY_MILLIS);
                }
            }
        }
        // Not chained: the resolver's own exception names the host unredacted.
        throw new UnknownHostException("cannot resolve endpoint host '" + shown + "' after " + attempts + " attempts"
                + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }

    /** The resolver's message ({@code HOST: Name or service not known}) without the host name. */
    static String reasonWithoutHost(UnknownHostException e, String host) {
        String message = e.getMessage() == null ? "" : e.getMessage().replace(host, "");
        return Redaction.text(message.replaceFirst("^[:\\s]+", "").strip());
    }
}
