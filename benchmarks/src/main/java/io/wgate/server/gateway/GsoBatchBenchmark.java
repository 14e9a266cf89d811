package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One UDP GSO send made of {@value #DATAGRAMS} sealed 1452-byte datagrams, as the outbox gathers them: {@code slice}
 * when the TUN read they were cut from is known (the inline path, and crypto workers' datagrams through the read
 * their job kept: one retained slice of it), {@code copy} when it is not (copied into one pooled buffer). The send
 * goes to a channel whose only handler releases it. One operation is one datagram. Lives in GsoBatch's package (it
 * is package-private). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} per datagram stays below 1 B (one
 * {@code SegmentedDatagramPacket} per send, in both modes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled",
    // As deploy/jvm.options: the copy's ~64 KiB buffer then comes from the thread's cache, as on the gateway.
    "-Dio.netty.allocator.maxOrder=7", "-Dio.netty.allocator.maxCachedBufferCapacity=131072",
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor"})
public class GsoBatchBenchmark {
    static final int DATAGRAMS = 45;
    private static final int LENGTH = 1452;
    private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.2", 51820);

    @Param({"slice", "copy"})
    public String mode;

    private final GsoBatch batch = new GsoBatch();
    private ByteBuf read;
    private EmbeddedChannel udp;

    @Setup
    public void setUp() {
        read = PooledByteBufAllocator.DEFAULT.directBuffer(DATAGRAMS * LENGTH);
        read.writeZero(DATAGRAMS * LENGTH);
        udp = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg); // the send, as the socket would once written
            }
        });
        udp.config().setAllocator(PooledByteBufAllocator.DEFAULT); // as UdpSockets sets it
    }

    @TearDown
    public void tearDown() {
        batch.discard();
        read.release();
        udp.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public int send() {
        ByteBuf source = mode.equals("slice") ? read : null;
        batch.start(read.retainedSlice(0, LENGTH), PEER, source);
        for (int i = 1; i < DATAGRAMS; i++) {
            if (!batch.tryAppend(read.retainedSlice(i * LENGTH, LENGTH), PEER)) {
                throw new IllegalStateException("datagram " + i + " did not join the send");
            }
        }
        return batch.writeTo(udp);
    }
}
