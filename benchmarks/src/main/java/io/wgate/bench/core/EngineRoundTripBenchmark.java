package io.wgate.bench.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.Engine;
import io.wgate.core.Outbox;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.crypto.AeadImplementation;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The steady-state data path of two engines with an established session: an IP packet read from
 * alice's tunnel is encrypted in place into a datagram, which bob decrypts in place and writes to his
 * tunnel. Run with {@code -prof gc}: the target is 0 bytes allocated per round trip (with OpenSSL; the
 * JDK cipher allocates inside {@code javax.crypto}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled",
    // Run on Netty FastThreadLocalThreads, as the engine does on its event loop: Netty's pools recycle
    // buffer objects per such thread only.
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor"})
public class EngineRoundTripBenchmark {

    /** Keeps exactly the last output; allocates nothing. */
    static final class SlotOutbox implements Outbox {
        ByteBuf datagram;
        ByteBuf tunnelPacket;

        @Override
        public boolean sendDatagram(ByteBuf content, InetSocketAddress recipient) {
            datagram = content;
            return true;
        }

        @Override
        public void writeToTunnel(ByteBuf packet) {
            tunnelPacket = packet;
        }
    }

    @Param({"64", "512", "1420"})
    public int packetSize;

    @Param({"OPENSSL", "JDK"})
    public AeadImplementation aead;

    private EnginePair pair;
    private Engine alice;
    private Engine bob;
    private final SlotOutbox aliceOut = new SlotOutbox();
    private final SlotOutbox bobOut = new SlotOutbox();
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private byte[] packet;
    private long now;

    @Setup(Level.Trial)
    public void establish() {
        pair = new EnginePair(1, aead);
        ByteBuf first = Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(packetSize - 28, 1));
        packet = Packets.bytes(first);
        pair.sendPacket(pair.alice, first);
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        alice = pair.alice.engine;
        bob = pair.bob.engine;
        now = pair.now();
    }

    @TearDown(Level.Trial)
    public void close() {
        pair.close();
    }

    @Benchmark
    public int roundTrip() {
        ByteBuf buf = allocator.directBuffer(Packets.HEADROOM + packet.length + Packets.TAILROOM);
        buf.setIndex(Packets.HEADROOM, Packets.HEADROOM).writeBytes(packet);
        alice.onTunnelPacket(now, buf, aliceOut);
        ByteBuf datagram = aliceOut.datagram;
        aliceOut.datagram = null;
        bob.onDatagram(now, datagram, EnginePair.ALICE_ADDRESS, bobOut);
        ByteBuf received = bobOut.tunnelPacket;
        bobOut.tunnelPacket = null;
        int length = received.readableBytes();
        received.release();
        return length;
    }
}
