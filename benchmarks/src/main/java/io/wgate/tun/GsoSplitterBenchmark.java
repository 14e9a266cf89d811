package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TUN read side with offloads on: {@link GsoSplitter} turning one vnet-header read into packets, each copied
 * into its own pooled direct buffer (released at once, as the engine would after sealing it). {@code split} cuts a
 * TCPv4 super-packet of {@link #payload} bytes into 1 368-byte segments (MSS of a 1 420 MTU); {@code completeChecksum}
 * copies one 1 420-byte UDP packet and finishes its partial checksum. Lives in GsoSplitter's package (not
 * {@code io.wgate.bench.tun}) because the splitter is package-private. Deterministic seed. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} must stay at ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled", // its sampled trackers would show up as ~12 B/op
    // On Netty FastThreadLocalThreads, as on the TUN channel's event loop: Netty's pools recycle buffer objects
    // only per such thread (see EngineRoundTripBenchmark).
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor"})
public class GsoSplitterBenchmark {
    private static final long SEED = 0x650_5971L;
    private static final int GSO_SIZE = 1368;
    private static final int HEADROOM = 16;
    private static final int TAILROOM = 32;
    private static final int MAX_PACKET = 1500;

    @Param({"65000"})
    public int payload;

    private final GsoSplitter splitter = new GsoSplitter();
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf superPacket;
    private int superPacketLength;
    private ByteBuf plain;
    private int plainLength;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(SEED);
        int headers = 20 + 32;
        int length = headers + payload;
        superPacket = alloc.directBuffer(10 + length);
        superPacketLength = 10 + length;
        for (int i = 0; i < superPacketLength; i++) {
            superPacket.writeByte(random.nextInt(256));
        }
        superPacket.setByte(0, 1).setByte(1, 1).setShortLE(2, headers).setShortLE(4, GSO_SIZE).setShortLE(6, 20)
                .setShortLE(8, 16);
        superPacket.setByte(10, 0x45).setShort(12, length).setShort(16, 0x4000).setByte(19, 6);
        superPacket.setByte(10 + 20 + 12, (32 / 4) << 4);
        int plainPacket = 1420;
        plain = alloc.directBuffer(10 + plainPacket);
        plainLength = 10 + plainPacket;
        for (int i = 0; i < plainLength; i++) {
            plain.writeByte(random.nextInt(256));
        }
        plain.setByte(0, 1).setByte(1, 0).setShortLE(2, 28).setShortLE(4, 0).setShortLE(6, 20).setShortLE(8, 6);
        plain.setByte(10, 0x45).setShort(12, plainPacket).setByte(19, 17);
    }

    @TearDown
    public void tearDown() {
        superPacket.release();
        plain.release();
    }

    private long emit() {
        long bytes = 0;
        for (int i = 0; i < splitter.segmentCount(); i++) {
            ByteBuf buf = alloc.directBuffer(HEADROOM + MAX_PACKET + TAILROOM);
            splitter.writeSegment(i, buf, HEADROOM);
            bytes += splitter.segmentLength(i);
            buf.release();
        }
        splitter.clear();
        return bytes;
    }

    @Benchmark
    public long split() {
        if (splitter.prepare(superPacket, 0, superPacketLength, MAX_PACKET) != null) {
            throw new IllegalStateException("benchmark super-packet was dropped");
        }
        return emit();
    }

    @Benchmark
    public long completeChecksum() {
        if (splitter.prepare(plain, 0, plainLength, MAX_PACKET) != null) {
            throw new IllegalStateException("benchmark packet was dropped");
        }
        return emit();
    }
}
