package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.Engine;
import io.wgate.core.Outbox;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
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
 * The offload data path of two engines with a session, one TCP super-packet per operation, without the syscalls:
 * a 64 KiB TSO read from alice's TUN is split into {@link #segments} segments laid out back to back
 * ({@link VnetReader#segmentsInSlots}, WireGuard's padding and tag as tailroom), each sealed in place by alice's
 * engine; the sealed datagrams, adjacent in memory, become one UDP GSO send (one retained slice over them, as the
 * gateway's {@code GsoBatch} makes it); bob receives it as a GRO read and splits it into datagram slices (as Netty
 * does), opens each in place, and {@link GroCoalescer} groups the plaintexts into one super-packet and prepares its
 * {@code writev}. Per operation = per super-packet; divide by {@link #segments} for per packet. Lives in the TUN
 * package because the splitter and coalescer are package-private. Run with {@code -prof gc}: the target is
 * 0 B per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled",
    // On Netty FastThreadLocalThreads, as on the event loop: Netty's pools recycle buffer objects per such thread.
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor"})
public class OffloadRoundTripBenchmark {
    private static final int HEADROOM = Transport.HEADER_LENGTH;
    /** TCP over IPv4 with the timestamp option: the MSS of a 1 420-byte tunnel MTU. */
    private static final int MSS = 1368;
    private static final int HEADERS = 20 + 32;

    /** Keeps what the engine hands out, in order; allocates nothing. */
    static final class ArrayOutbox implements Outbox {
        final ByteBuf[] datagrams = new ByteBuf[GroCoalescer.MAX_SEGMENTS];
        final ByteBuf[] packets = new ByteBuf[GroCoalescer.MAX_SEGMENTS];
        int datagramCount;
        int packetCount;

        @Override
        public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
            datagrams[datagramCount++] = datagram;
            return true;
        }

        @Override
        public void writeToTunnel(ByteBuf packet) {
            packets[packetCount++] = packet;
        }
    }

    /** Segments per super-packet (45 of 1 368 bytes fill one UDP GSO send of 1 452-byte datagrams). */
    @Param({"45"})
    public int segments;

    @Param({"OPENSSL"})
    public AeadImplementation aead;

    private EnginePair pair;
    private Engine alice;
    private Engine bob;
    private final ArrayOutbox aliceOut = new ArrayOutbox();
    private final ArrayOutbox bobOut = new ArrayOutbox();
    private final GsoSplitter splitter = new GsoSplitter();
    private final GroCoalescer coalescer = new GroCoalescer();
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private IntUnaryOperator tailroom;
    private ByteBuf read;
    private int readLength;
    private long now;
    private long sequence = 1;

    @Setup
    public void establish() {
        pair = new EnginePair(1, aead);
        ByteBuf first = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(100, 1));
        pair.sendPacket(pair.alice, first);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        alice = pair.alice.engine;
        bob = pair.bob.engine;
        now = pair.now();
        tailroom = length -> Transport.paddingLength(length, alice.mtu()) + ChaCha20Poly1305.TAG_LENGTH;
        readLength = 10 + HEADERS + segments * MSS;
        read = alloc.directBuffer(readLength);
        read.writerIndex(readLength);
        read.setZero(0, readLength);
        read.setByte(0, 1); // NEEDS_CSUM
        read.setByte(1, 1); // GSO_TCPV4
        read.setShortLE(2, HEADERS);
        read.setShortLE(4, MSS);
        read.setShortLE(6, 20);
        read.setShortLE(8, 16);
        int ip = 10;
        read.setByte(ip, 0x45);
        read.setShort(ip + 2, HEADERS + segments * MSS);
        read.setShort(ip + 6, 0x4000);
        read.setByte(ip + 8, 64);
        read.setByte(ip + 9, 6);
        read.setInt(ip + 12, 0x0A000001); // 10.0.0.1
        read.setInt(ip + 16, 0x0A000002); // 10.0.0.2
        int tcp = ip + 20;
        read.setInt(tcp, 0xC35001BB);
        read.setByte(tcp + 12, (32 / 4) << 4);
        read.setByte(tcp + 13, 0x10); // ACK
        read.setShort(tcp + 14, 1024);
        for (int i = 0; i < segments * MSS; i++) {
            read.setByte(10 + HEADERS + i, i * 7);
        }
    }

    @TearDown
    public void close() {
        read.release();
        pair.close();
    }

    @Benchmark
    public long superPacketRoundTrip() {
        read.setInt(10 + 20 + 4, (int) (sequence += (long) segments * MSS)); // a new stretch of the stream
        if (splitter.prepare(read, 0, readLength, 1500) != null) {
            throw new IllegalStateException("the super-packet does not split");
        }
        ByteBuf slots = VnetReader.segmentsInSlots(splitter, alloc, HEADROOM, tailroom);
        int slot = 0;
        for (int i = 0; i < segments; i++) {
            int length = splitter.segmentLength(i);
            int size = VnetReader.slotSize(HEADROOM, length, tailroom);
            ByteBuf segment = slots.retainedSlice(slot, size);
            segment.setIndex(HEADROOM, HEADROOM + length);
            slot += size;
            alice.onTunnelPacket(now, segment, aliceOut);
        }
        splitter.clear();
        // One GSO send over the adjacent datagrams; their own slices go.
        int gsoSize = aliceOut.datagrams[0].readableBytes();
        int total = 0;
        for (int i = 0; i < aliceOut.datagramCount; i++) {
            total += aliceOut.datagrams[i].readableBytes();
            aliceOut.datagrams[i].release();
        }
        aliceOut.datagramCount = 0;
        ByteBuf wire = slots.retainedSlice(0, total);
        slots.release();
        // Bob's GRO read, split into datagram slices as Netty does, each opened in place.
        while (wire.isReadable()) {
            bob.onDatagram(now, wire.readRetainedSlice(Math.min(gsoSize, wire.readableBytes())),
                    EnginePair.ALICE_ADDRESS, bobOut);
        }
        wire.release();
        int count = bobOut.packetCount;
        int written = 0;
        for (int from = 0; from < count; ) {
            int group = coalescer.group(bobOut.packets, from, count);
            written += group > 1 ? coalescer.groupBytes() : bobOut.packets[from].readableBytes();
            from += group;
        }
        for (int i = 0; i < count; i++) {
            bobOut.packets[i].release();
            bobOut.packets[i] = null;
        }
        bobOut.packetCount = 0;
        if (written != HEADERS + segments * MSS) {
            throw new IllegalStateException("coalesced " + written + " bytes");
        }
        return written;
    }
}
