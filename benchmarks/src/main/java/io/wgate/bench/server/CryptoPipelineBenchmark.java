package io.wgate.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.CryptoJob;
import io.wgate.core.Engine;
import io.wgate.core.Outbox;
import io.wgate.core.session.ReplayWindow;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.RecordingOutbox;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.server.gateway.CryptoWorkers;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
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
 * The crypto pipeline alone, in both directions: the benchmark thread plays the engine's event loop while
 * {@code workers} threads seal or open (0 = inline on the benchmark thread, the path without workers).
 * {@link #sealBatch}: the loop frames 1420-byte packets on an established session and submits the sealing;
 * {@link #openBatch}: it takes 1456-byte transport messages from the peer (copied into the read buffer as a UDP read
 * would) and submits the opening, the replay window, the AllowedIPs check and the rest waiting for the completion.
 * Either way it ends each batch as the loop does, with {@link CryptoWorkers#dispatchAndRun}, and completes the jobs in
 * order. One operation is one packet; a batch of {@value #BATCH} is submitted per invocation and up to {@code ring}
 * jobs stay in flight (the gateway's ring holds 1024: its loop reads while the workers work, and waits only when the
 * ring is full), so filling and sealing overlap as on the gateway. Every datagram's counter, and every opened
 * packet's number, is checked to be the next one: a reordering fails the run. Run with {@code -prof gc} for the
 * bytes per packet (target 0).
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
    /** Where an opened packet carries its number: the first long of the UDP payload (IPv4 and UDP headers before). */
    static final int NUMBER_OFFSET = 28;
    /** Upper bound of one wait of the owner, a safety net only: a worker's wake-up ends it, as it ends epoll_wait. */
    private static final long PARK_NANOS = 10_000_000;

    /**
     * Checks that datagrams arrive with consecutive counters, and opened packets with consecutive numbers (the first
     * long of their UDP payload, counting modulo {@code packetNumbers}), and releases them; allocates nothing.
     */
    static final class OrderCheckingOutbox implements Outbox {
        long nextCounter = -1;
        long datagrams;
        long packets;
        int packetNumbers = 1;

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
            long number = packet.getLong(packet.readerIndex() + NUMBER_OFFSET);
            long due = packets & (packetNumbers - 1); // a power of two
            packet.release();
            if (number != due) {
                throw new IllegalStateException("packet " + number + " where " + due
                        + " was due: the pipeline reordered");
            }
            packets++;
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
    /** Transport messages from Bob, sealed at setup, one per buffer: the one at index i carries packet number i. */
    private byte[][] fromBob;
    /** Alice's replay window for Bob's messages, reset each time their counters start over. */
    private ReplayWindow window;
    /** Packets handed to the engine; each must come out (a datagram sent, a packet written to the tunnel). */
    private long submitted;
    private long completedOpens;
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
        sealFromBob();
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

    /**
     * Has Bob seal one numbered packet per buffer (inline, into an outbox of its own), consecutive counters from his
     * first. Alice opens them over and over, so her replay window is reset each time they start over (in completion
     * order, see {@link #startOverIfDue}).
     */
    private void sealFromBob() {
        fromBob = new byte[buffers.length][];
        RecordingOutbox sink = new RecordingOutbox();
        long firstCounter = -1;
        for (int i = 0; i < fromBob.length; i++) {
            byte[] payload = Packets.payload(1420 - 28, i);
            ByteBuffer.wrap(payload).putLong(0, i); // at NUMBER_OFFSET of the packet
            pair.bob.engine.onTunnelPacket(now, Packets.udp4("10.0.0.2", "10.0.0.1", payload), sink);
            List<RecordingOutbox.Datagram> sealed = sink.takeDatagrams();
            if (sealed.size() != 1) {
                throw new IllegalStateException("Bob sent " + sealed.size() + " datagrams for one packet");
            }
            ByteBuf datagram = sealed.getFirst().content();
            long counter = Transport.counter(datagram, datagram.readerIndex());
            firstCounter = i == 0 ? counter : firstCounter;
            if (counter != firstCounter + i) {
                throw new IllegalStateException("Bob sealed counter " + counter + " for packet " + i);
            }
            fromBob[i] = Packets.bytes(datagram);
            datagram.release();
        }
        window = pair.alice.peer.keypairs().current().replayWindow();
        out.packetNumbers = fromBob.length;
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
        long delivered = out.datagrams + out.packets;
        if (delivered != submitted) {
            throw new IllegalStateException((submitted - delivered) + " of " + submitted
                    + " packets did not come out of the pipeline: the run measured drops");
        }
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
            alice.onTunnelPacket(now, reuse(nextBuffer++ & (buffers.length - 1), Packets.HEADROOM, packet), out);
            submitted++;
        }
        endBatch();
        return out.datagrams;
    }

    /**
     * Copies a batch of Bob's messages into the read buffers (as a UDP read would), submits the opening, then
     * completes jobs until a batch fits in the ring again; opened packets go to the outbox's tunnel, which checks their
     * numbers. Buffers are reused as in {@link #sealBatch}.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long openBatch() {
        for (int i = 0; i < BATCH; i++) {
            int index = nextBuffer++ & (buffers.length - 1);
            ByteBuf buf = reuse(index, 0, fromBob[index]);
            if (pool == null) {
                startOverIfDue();
            }
            ByteBuf plaintext = alice.onTransportData(now, buf, EnginePair.BOB_ADDRESS, out);
            submitted++;
            if (plaintext != null) {
                out.writeToTunnel(plaintext);
            }
        }
        endBatch();
        return out.packets;
    }

    /**
     * The buffer at {@code index}, retained for the engine, holding {@code content} from {@code offset} (the read's
     * copy). Fails if it is still in flight: more packets were in flight than there are buffers.
     */
    private ByteBuf reuse(int index, int offset, byte[] content) {
        ByteBuf buf = buffers[index];
        if (buf.refCnt() != 1) {
            throw new IllegalStateException("a buffer is still in flight after " + buffers.length + " packets");
        }
        return buf.retain().setIndex(offset, offset).writeBytes(content);
    }

    /** Ends a batch as the event loop does, then completes jobs until the next batch fits in the ring. */
    private void endBatch() {
        if (pool != null) {
            pool.dispatchAndRun(loopAead);
            complete(ring - BATCH);
        }
    }

    /**
     * Before Alice finishes opening the first of Bob's messages again, forgets the counters she saw: they repeat
     * every {@code fromBob.length} messages. Called in completion order (inline: as each message is submitted).
     */
    private void startOverIfDue() {
        if ((completedOpens++ & (fromBob.length - 1)) == 0) {
            window.reset();
        }
    }

    /** Completes jobs in order until at most {@code leftInFlight} remain. */
    private void complete(int leftInFlight) {
        while (pool.inFlight() > leftInFlight) {
            CryptoJob job = pool.nextCompleted();
            if (job == null) {
                LockSupport.parkNanos(PARK_NANOS); // the event loop sleeps in epoll_wait until a worker wakes it
                continue;
            }
            if (job.kind() == CryptoJob.OPEN) {
                startOverIfDue();
            }
            ByteBuf plaintext = alice.onCryptoDone(now, job, out);
            pool.release(job);
            if (plaintext != null) {
                out.writeToTunnel(plaintext);
            }
        }
    }
}
