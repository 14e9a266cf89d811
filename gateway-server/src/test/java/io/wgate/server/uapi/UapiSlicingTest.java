package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.wgate.core.Engine;
import io.wgate.server.config.WgKey;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A huge UAPI request leaves the engine's loop free for packets (issue "Hostile input", item 4): a {@code set} of
 * {@value #PEERS} peers, each with its own private-key Diffie-Hellman to precompute (seconds of work in all), then a
 * {@code get} of them all, while a probe task stands in for the packets: scheduled on the engine's loop every
 * millisecond, it records the longest gap between two of its runs, which is the longest the loop was taken from its
 * packets. Before the requests ran in slices, this gap was the whole request (5.8 s for such a {@code set} in the
 * issue's trial). A gap that a garbage collection pause explains (the JVM's collectors report at least that much more
 * pause time than at the probe's previous run) stops every thread, sliced or not, and is reported but not counted.
 */
@Timeout(180)
class UapiSlicingTest {

    private static final String IF = "wgt-slice0";
    static final int PEERS = 50_000;
    /** The stall the issue allows; a slice is about 2 ms. */
    static final long MAX_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path tmp;

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Engine engine;

    /** Longest gap between two probe runs, and the number of runs; written on the loop, read after it stopped. */
    private volatile long longestGapNanos;
    private volatile long longestGcGapNanos;
    private volatile long probeRuns;
    private long lastProbeNanos;
    private long lastGcMillis;

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        engine = TestEngines.engine(51);
    }

    @AfterEach
    void stopLoop() throws Exception {
        loop.submit(() -> engine.close()).get(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void fiftyThousandPeersAreSetAndReadWithoutStallingTheLoop() throws Exception {
        String body = setBody();
        try (UapiServer server = UapiServer.start(tmp.resolve("run"), IF, new FakeDevice(engine), loop,
                UapiServer.DEFAULT_MAX_REQUEST_BYTES);
             UapiClient client = UapiClient.connect(tmp.resolve("run"), IF)) {
            ScheduledFuture<?> probe = startProbe();
            long start = System.nanoTime();
            assertEquals(0, client.set(body), "the set is applied");
            long setNanos = System.nanoTime() - start;
            long runsDuringSet = probeRuns;
            DeviceStatus status = client.get();
            loop.submit(() -> probe.cancel(false)).get(10, TimeUnit.SECONDS);

            String figures = "set " + TimeUnit.NANOSECONDS.toMillis(setNanos) + " ms, probe runs during it "
                    + runsDuringSet + ", longest stall " + TimeUnit.NANOSECONDS.toMicros(longestGapNanos)
                    + " us, longest gap with a GC pause in it " + TimeUnit.NANOSECONDS.toMicros(longestGcGapNanos) + " us";
            System.out.println(figures);
            assertEquals(PEERS, status.peers().size(), "the get reports every peer");
            assertEquals(PEERS, (int) loop.submit(() -> engine.peers().size()).get(10, TimeUnit.SECONDS));
            assertTrue(runsDuringSet >= TimeUnit.NANOSECONDS.toMillis(setNanos) / 10,
                    "the probe ran throughout the set: " + figures);
            assertTrue(longestGapNanos < MAX_STALL_NANOS, "the loop stalled: " + figures);
        }
    }

    private ScheduledFuture<?> startProbe() throws Exception {
        return loop.submit(() -> {
            lastProbeNanos = System.nanoTime();
            lastGcMillis = gcMillis();
            return loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long gc = gcMillis();
                long gapNanos = now - lastProbeNanos;
                if (gapNanos - TimeUnit.MILLISECONDS.toNanos(gc - lastGcMillis) < MAX_STALL_NANOS) {
                    longestGcGapNanos = Math.max(longestGcGapNanos, gapNanos);
                    gapNanos = Math.min(gapNanos, TimeUnit.MILLISECONDS.toNanos(1));
                }
                longestGapNanos = Math.max(longestGapNanos, gapNanos);
                lastProbeNanos = now;
                lastGcMillis = gc;
                probeRuns = probeRuns + 1;
            }, 1, 1, TimeUnit.MILLISECONDS);
        }).get(10, TimeUnit.SECONDS);
    }

    /** Pause time of every collector so far, in milliseconds. */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }

    /** Our private key, then {@value #PEERS} peers with a /32 each (about 5 MB, within the 16 MiB limit). */
    private static String setBody() {
        HexFormat hex = HexFormat.of();
        StringBuilder body = new StringBuilder(PEERS * 110);
        body.append("private_key=").append(hex.formatHex(TestEngines.privateKey(52))).append('\n');
        SplittableRandom random = new SplittableRandom(53);
        byte[] key = new byte[WgKey.LENGTH];
        for (int i = 0; i < PEERS; i++) {
            random.nextBytes(key);
            body.append("public_key=").append(hex.formatHex(key)).append('\n')
                    .append("allowed_ip=10.").append(i >> 16 & 0xff).append('.').append(i >> 8 & 0xff).append('.')
                    .append(i & 0xff).append("/32\n");
        }
        return body.toString();
    }
}
