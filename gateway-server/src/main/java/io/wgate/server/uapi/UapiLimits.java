package io.wgate.server.uapi;

import java.time.Duration;
import java.util.Objects;

/**
 * How much the UAPI socket accepts, so that no client (or many of them) can fill the gateway's memory or hold it
 * up: beyond each limit the client gets a clear {@code errno} and is disconnected, and the gateway logs which limit.
 *
 * @param maxRequestBytes one request on one connection (wg's {@code setconf} of tens of thousands of peers fits the
 *                        default)
 * @param maxPendingBytes all requests in progress on all connections together (what a crowd of slow or stuck
 *                        clients can hold)
 * @param maxConnections  connections open at once
 * @param idleTimeout     how long a connection may stay silent before it is closed (a request left unfinished is
 *                        dropped, never applied)
 */
public record UapiLimits(long maxRequestBytes, long maxPendingBytes, int maxConnections, Duration idleTimeout) {

    /** 16 MiB per request, 64 MiB in all, 16 connections, 30 s of silence. */
    public static final UapiLimits DEFAULTS = new UapiLimits(UapiServer.DEFAULT_MAX_REQUEST_BYTES, 64L << 20, 16,
            Duration.ofSeconds(30));

    public UapiLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxRequestBytes < 1 || maxPendingBytes < maxRequestBytes || maxConnections < 1
                || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("UAPI limits need a positive request size, a total of at least one"
                    + " request, at least one connection and a positive idle timeout, got " + maxRequestBytes + ", "
                    + maxPendingBytes + ", " + maxConnections + ", " + idleTimeout);
        }
    }

    /** These limits with another per-request size (and a total of at least that). */
    public UapiLimits withMaxRequestBytes(long bytes) {
        return new UapiLimits(bytes, Math.max(bytes, maxPendingBytes), maxConnections, idleTimeout);
    }
}
