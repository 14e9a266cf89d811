package io.wgate.server.gateway;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.wgate.metrics.EngineSnapshot;
import io.wgate.metrics.GatewaySnapshot;
import io.wgate.metrics.GatewaySource;
import io.wgate.tun.TunChannel;
import io.wgate.tun.TunCounters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A running {@link Gateway}'s data plane as the metrics read it. {@link #snapshot} is one task on the engine's event
 * loop (a pass over the peers and the offload summary, no per-packet work); everything else reads volatile fields
 * or the I/O layer's counters, which their loops write as plain fields and which are read here with opaque reads.
 */
final class GatewayMetricsSource implements GatewaySource {

    private final String name;
    private final DataPlane dataPlane;
    private final Map<String, String> friendlyNames;
    private final Map<String, Thread> loopThreads;

    GatewayMetricsSource(String name, DataPlane dataPlane, Map<String, String> friendlyNames) throws Exception {
        this.name = name;
        this.dataPlane = dataPlane;
        this.friendlyNames = Map.copyOf(friendlyNames);
        Map<String, Thread> threads = new LinkedHashMap<>();
        threads.put("engine", dataPlane.onLoop(Thread::currentThread));
        TunChannel tun = dataPlane.tun();
        if (tun != null && tun.eventLoop() != dataPlane.loop()) {
            threads.put("tun", tun.eventLoop().submit(Thread::currentThread).get());
        }
        this.loopThreads = Map.copyOf(threads);
    }

    @Override
    public String interfaceName() {
        return name;
    }

    @Override
    public String aeadName() {
        return dataPlane.aeadName();
    }

    @Override
    public CompletableFuture<GatewaySnapshot> snapshot(int peerLimit) {
        CompletableFuture<GatewaySnapshot> result = new CompletableFuture<>();
        EventLoop loop = dataPlane.loop();
        try {
            loop.execute(() -> {
                try {
                    EngineSnapshot engine = EngineSnapshot.take(dataPlane.engine(), System.nanoTime(),
                            System.currentTimeMillis() * 1_000_000L, friendlyNames, peerLimit);
                    result.complete(new GatewaySnapshot(engine,
                            GatewaySnapshot.offloadNames(dataPlane.offloadSummary())));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) { // the loop is shutting down
            result.completeExceptionally(rejected);
        }
        return result;
    }

    @Override
    public TunCounters tunCounters() {
        TunChannel tun = dataPlane.tun();
        return tun == null ? null : tun.counters();
    }

    @Override
    public long udpBackpressureDrops() {
        NettyOutbox outbox = dataPlane.outbox();
        return outbox == null ? 0 : outbox.udpBackpressureDrops();
    }

    @Override
    public long tunBackpressureDrops() {
        NettyOutbox outbox = dataPlane.outbox();
        return outbox == null ? 0 : outbox.tunBackpressureDrops();
    }

    @Override
    public long udpSendFailures() {
        NettyOutbox outbox = dataPlane.outbox();
        return outbox == null ? 0 : outbox.ioErrors().udpSendFailures();
    }

    @Override
    public long udpDataSocketOverflows() {
        return dataPlane.dataSocketDrops();
    }

    @Override
    public long udpHandshakeSocketOverflows() {
        return dataPlane.handshakeSocketDrops();
    }

    @Override
    public long endpointReresolutions() {
        EndpointRefresher refresher = dataPlane.refresher();
        return refresher == null ? 0 : refresher.changes();
    }

    @Override
    public boolean tunUp() {
        TunChannel tun = dataPlane.tun();
        return tun != null && tun.isActive();
    }

    @Override
    public boolean udpBound() {
        DatagramChannel udp = dataPlane.udp();
        return udp != null && udp.isActive();
    }

    @Override
    public Map<String, Thread> loopThreads() {
        return loopThreads;
    }
}
