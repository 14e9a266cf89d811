package io.wgate.metrics;

import io.wgate.core.Engine;
import io.wgate.core.testkit.EnginePair;
import io.wgate.tun.TunCounters;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link GatewaySource} over one side of an {@link EnginePair}: snapshots are taken at once on the calling thread
 * (the test's, which owns the pair), I/O counters are fields the test sets.
 */
final class FakeSource implements GatewaySource {

    final EnginePair pair;
    final Engine engine;
    Map<String, String> friendlyNames = Map.of();
    String offloadSummary = "tun: tso uso; udp: gso gro";
    boolean tunUp = true;
    boolean udpBound = true;
    long udpBackpressure;
    long dataSocketOverflows;
    long handshakeSocketOverflows;
    long udpSendFailures;
    long endpointReresolutions;
    /** When set, snapshots never complete (an engine loop that does not answer). */
    boolean stuck;

    FakeSource(EnginePair pair, Engine engine) {
        this.pair = pair;
        this.engine = engine;
    }

    @Override
    public String interfaceName() {
        return "wg-test";
    }

    @Override
    public String aeadName() {
        return "openssl";
    }

    @Override
    public CompletableFuture<GatewaySnapshot> snapshot(int peerLimit) {
        if (stuck) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(new GatewaySnapshot(EngineSnapshot.take(engine, pair.clock.nanos(),
                pair.clock.epochNanos(), friendlyNames, peerLimit), GatewaySnapshot.offloadNames(offloadSummary)));
    }

    @Override
    public TunCounters tunCounters() {
        return null;
    }

    @Override
    public long udpDataSocketOverflows() {
        return dataSocketOverflows;
    }

    @Override
    public long udpHandshakeSocketOverflows() {
        return handshakeSocketOverflows;
    }

    @Override
    public long udpBackpressureDrops() {
        return udpBackpressure;
    }

    @Override
    public long tunBackpressureDrops() {
        return 0;
    }

    @Override
    public long udpSendFailures() {
        return udpSendFailures;
    }

    @Override
    public long endpointReresolutions() {
        return endpointReresolutions;
    }

    @Override
    public boolean tunUp() {
        return tunUp;
    }

    @Override
    public boolean udpBound() {
        return udpBound;
    }

    @Override
    public Map<String, Thread> loopThreads() {
        return Map.of("engine", Thread.currentThread());
    }
}
