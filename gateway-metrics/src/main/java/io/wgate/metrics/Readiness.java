package io.wgate.metrics;

import java.util.concurrent.CompletableFuture;

/**
 * What {@code /readyz} checks: the TUN device is up and the UDP socket bound and, with the metrics option
 * {@code ready-handshake=N}, a peer completed a handshake less than N seconds ago (180 s, REJECT_AFTER_TIME, is
 * when a session without a new handshake stops carrying data).
 */
final class Readiness {

    private Readiness() {
    }

    /** Completes with null when ready, else with the reason it is not. */
    static CompletableFuture<String> check(GatewayMetrics metrics) {
        GatewaySource source = metrics.source();
        if (!source.tunUp()) {
            return CompletableFuture.completedFuture("the TUN device " + source.interfaceName() + " is not up");
        }
        if (!source.udpBound()) {
            return CompletableFuture.completedFuture("the UDP socket is not bound");
        }
        int maxAge = metrics.options().readyHandshakeSeconds();
        if (maxAge == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return metrics.refresh().thenApply(snapshot -> youngestHandshake(snapshot, maxAge));
    }

    static String youngestHandshake(GatewaySnapshot snapshot, int maxAgeSeconds) {
        EngineSnapshot engine = snapshot.engine();
        long newest = engine.newestHandshakeEpochNanos();
        if (newest == 0) {
            return "no peer has completed a handshake";
        }
        long ageSeconds = (engine.epochNanos() - newest) / 1_000_000_000L;
        return ageSeconds < maxAgeSeconds ? null : "the latest handshake was " + ageSeconds + " s ago (ready-handshake="
                + maxAgeSeconds + ")";
    }
}
