package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.wgate.core.Engine;
import io.wgate.server.config.WgKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
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
 * millisecond, it records every gap between two of its runs, which is how long the loop was taken from its packets.
 * Before the requests ran in slices, one gap was the whole request (5.8 s for such a {@code set} in the trial).
 *
 * <p>A control thread, outside the loop, sleeps a millisecond at a time and records its own gaps: what stops every
 * thread (a garbage collection pause, any safepoint, the machine itself) shows there too. A loop gap counts as a stall
 * of the UAPI's making only for the part the control thread's overlapping gaps do not explain.
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

    /** Gaps of more than {@value #RECORDED_GAP_MILLIS} ms, as {start, end} nanos, of the loop probe and the control. */
    private final List<long[]> loopGaps = Collections.synchronizedList(new ArrayList<>());
    private final List<long[]> controlGaps = Collections.synchronizedList(new ArrayList<>());
    static final long RECORDED_GAP_MILLIS = 5;
    private volatile long probeRuns;
    private long lastProbeNanos;
    private volatile boolean controlRunning = true;

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
        String body = setBody(PEERS, 53);
        try (UapiServer server = UapiServer.start(tmp.resolve("run"), IF, new FakeDevice(engine), loop,
                UapiServer.DEFAULT_MAX_REQUEST_BYTES);
             UapiClient client = UapiClient.connect(tmp.resolve("run"), IF)) {
            // One-time costs (class loading, lambda linkage) are not a stall of the data path: a small set and get first.
            assertEquals(0, client.set(setBody(100, 54)), "the warm-up set");
            client.get();
            Thread control = Thread.ofPlatform().name("slicing-test-control").start(this::control);
            ScheduledFuture<?> probe = startProbe();
            long start = System.nanoTime();
            assertEquals(0, client.set(body), "the set is applied");
            long setNanos = System.nanoTime() - start;
            long runsDuringSet = probeRuns;
            DeviceStatus status = client.get();
            loop.submit(() -> probe.cancel(false)).get(10, TimeUnit.SECONDS);
            controlRunning = false;
            control.join();

            long longestLoopGap = 0;
            long longestStall = 0;
            synchronized (loopGaps) {
                for (long[] gap : loopGaps) {
                    longestLoopGap = Math.max(longestLoopGap, gap[1] - gap[0]);
                    longestStall = Math.max(longestStall, gap[1] - gap[0] - explained(gap));
                }
            }
            String figures = "set " + TimeUnit.NANOSECONDS.toMillis(setNanos) + " ms, probe runs during it "
                    + runsDuringSet + ", longest loop gap " + TimeUnit.NANOSECONDS.toMicros(longestLoopGap)
                    + " us, of it not seen by the control thread (the stall) " + TimeUnit.NANOSECONDS.toMicros(longestStall)
                    + " us";
            System.out.println(figures);
            assertEquals(PEERS + 100, status.peers().size(), "the get reports every peer");
            assertEquals(PEERS + 100, (int) loop.submit(() -> engine.peers().size()).get(10, TimeUnit.SECONDS));
            assertTrue(runsDuringSet >= TimeUnit.NANOSECONDS.toMillis(setNanos) / 10,
                    "the probe ran throughout the set: " + figures);
            assertTrue(longestStall < MAX_STALL_NANOS, "the loop stalled: " + figures);
        }
    }

    private ScheduledFuture<?> startProbe() throws Exception {
        return loop.submit(() -> {
            lastProbeNanos = System.nanoTime();
            return loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now - lastProbeNanos > TimeUnit.MILLISECONDS.toNanos(RECORDED_GAP_MILLIS)) {
                    loopGaps.add(new long[] {lastProbeNanos, now});
                }
                lastProbeNanos = now;
                probeRuns = probeRuns + 1;
            }, 1, 1, TimeUnit.MILLISECONDS);
        }).get(10, TimeUnit.SECONDS);
    }

    /** The control thread: sleeps a millisecond at a time and records its own gaps. */
    private void control() {
        long last = System.nanoTime();
        while (controlRunning) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (now - last > TimeUnit.MILLISECONDS.toNanos(RECORDED_GAP_MILLIS)) {
                controlGaps.add(new long[] {last, now});
            }
            last = now;
        }
    }

    /** How much of a loop gap the control thread's gaps overlap. */
    private long explained(long[] gap) {
        long covered = 0;
        synchronized (controlGaps) {
            for (long[] c : controlGaps) {
                covered += Math.max(0, Math.min(gap[1], c[1]) - Math.max(gap[0], c[0]));
            }
        }
        return covered;
    }

    /** Our private key, then {@code peers} peers with a /32 each (50 000: about 5 MB, within the 16 MiB limit). */
    private static String setBody(int peers, long seed) {
        HexFormat hex = HexFormat.of();
        StringBuilder body = new StringBuilder(peers * 110);
        body.append("private_key=").append(hex.formatHex(TestEngines.privateKey(52))).append('\n');
        SplittableRandom random = new SplittableRandom(seed);
        byte[] key = new byte[WgKey.LENGTH];
        for (int i = 0; i < peers; i++) {
            random.nextBytes(key);
            body.append("public_key=").append(hex.formatHex(key)).append('\n')
                    .append("allowed_ip=10.").append(i >> 16 & 0xff).append('.').append(i >> 8 & 0xff).append('.')
                    .append(i & 0xff).append("/32\n");
        }
        return body.toString();
    }
}
