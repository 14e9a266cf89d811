package io.wgate.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.CryptoJob;
import io.wgate.core.Engine;
import io.wgate.core.Outbox;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.server.gateway.CryptoWorkers;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The crypto pipeline alone: the benchmark thread plays the engine's event loop (it frames 1420-byte packets on an
 * established session, submits the sealing, ends each batch as the loop does, with
 * {@link CryptoWorkers#dispatchAndRun}, and completes the jobs in order) while {@code workers} threads seal
 * (0 = inline on the benchmark thread, the path without workers). One operation is one packet; a batch of
 * {@value #BATCH} is submitted per invocation and up to {@code ring} jobs stay in flight (the gateway's ring holds
 * 1024: its loop reads while the workers seal, and waits only when the ring is full), so filling and sealing overlap
 * as on the gateway. Every datagram's counter is checked to be the next one: a reordering fails the run. Run with
 * {@code -prof gc} for the bytes per packet (target 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled",
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor"})
public class CryptoPipelineBenchmark {

    static final int BATCH = 64;
    /** Upper bound of one wait of the owner, a safety net only: a worker's wake-up ends it, as it ends epoll_wait. */
    private static final long PARK_NANOS = 10_000_000;

    /** Checks that datagrams arrive with consecutive counters and releases them; allocates nothing. */
    static final class OrderCheckingOutbox implements Outbox {
        long nextCounter = -1;
        long datagrams;

        @Override
        public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
            long counter = Transport.counter(datagram, datagram.readerIndex());
            if (nextCounter >= 0 && counter != nextCounter) {
                datagram.release();
                throw new IllegalStateException("datagram with counter " + counter + " where " + nextCounter
                        + " was due: the pipeline reordered");
            }
            nextCounter = counter + 1;
            datagrams++;
            datagram.release();
            return true;
        }

        @Override
        public void writeToTunnel(ByteBuf packet) {
            packet.release();
        }
    }

    @Param({"0", "1", "2", "4"})
    public int workers;

    /** Jobs in flight at most (the gateway's {@code DataPlane} uses 1024). */
    @Param({"1024"})
    public int ring;

    private EnginePair pair;
    private Engine alice;
    private CryptoWorkers pool;
    /** The owner's AEAD, for the jobs of a batch no worker took (as the event loop's). */
    private ChaCha20Poly1305 loopAead;
    /** The benchmark thread, which plays the event loop. */
    private volatile Thread owner;
    private final OrderCheckingOutbox out = new OrderCheckingOutbox();
    /** The packets' buffers, reused round robin (see {@link #sealBatch}); more than can be in flight at once. */
    private ByteBuf[] buffers;
    private int nextBuffer;
    private byte[] packet;
    private long now;

    @Setup(Level.Trial)
    public void establish() {
        pair = new EnginePair(1, AeadImplementation.OPENSSL);
        ByteBuf first = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(1420 - 28, 1));
        packet = Packets.bytes(first);
        pair.sendPacket(pair.alice, first);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        alice = pair.alice.engine;
        now = pair.now();
        buffers = new ByteBuf[2 * ring]; // a power of two above the jobs in flight and the next batch
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = PooledByteBufAllocator.DEFAULT.directBuffer(Packets.HEADROOM + packet.length + Packets.TAILROOM);
        }
        if (workers > 0) {
            owner = Thread.currentThread(); // JMH runs a Scope.Thread setup on the benchmark thread
            // As on the gateway, a worker that finished jobs wakes the owner (there: Netty's loop wake-up).
            pool = new CryptoWorkers(workers, ring, AeadImplementation.OPENSSL::newInstance,
                    k -> "bench-crypto-" + k, k -> -1, task -> {
                        task.run();
                        LockSupport.unpark(owner);
                    }, () -> { });
            alice.setCryptoQueue(pool);
            loopAead = AeadImplementation.OPENSSL.newInstance();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (pool != null) {
            complete(0);
            alice.setCryptoQueue(null);
            pool.close();
            loopAead.close();
        }
        for (ByteBuf buffer : buffers) {
            buffer.release();
        }
        pair.close();
    }

    /**
     * Frames and submits a batch, then completes jobs until a batch fits in the ring again. The harness reuses its
     * buffers: each is retained before the engine takes it and is back to one reference once the outbox released the
     * datagram, so what {@code -prof gc} counts is the pipeline's own allocation (Netty's recycler would otherwise
     * show buffer wrappers while it learns how many buffers are in flight at once).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sealBatch() {
        for (int i = 0; i < BATCH; i++) {
            ByteBuf buf = buffers[nextBuffer++ & (buffers.length - 1)];
            if (buf.refCnt() != 1) {
                throw new IllegalStateException("a buffer is still in flight after " + buffers.length + " packets");
            }
            buf.retain().setIndex(Packets.HEADROOM, Packets.HEADROOM).writeBytes(packet);
            alice.onTunnelPacket(now, buf, out);
        }
        if (pool != null) {
            pool.dispatchAndRun(loopAead);
            complete(ring - BATCH);
        }
        return out.datagrams;
    }

    /** Completes jobs in order until at most {@code leftInFlight} remain. */
    private void complete(int leftInFlight) {
        while (pool.inFlight() > leftInFlight) {
            CryptoJob job = pool.nextCompleted();
            if (job == null) {
                LockSupport.parkNanos(PARK_NANOS); // the event loop sleeps in epoll_wait until a worker wakes it
                continue;
            }
            alice.onCryptoDone(now, job, out);
            pool.release(job);
        }
    }
}
