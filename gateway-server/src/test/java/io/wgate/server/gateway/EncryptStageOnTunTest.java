package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.wgate.core.Engine;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.tun.SeqPacketPair;
import io.wgate.tun.TunChannel;
import io.wgate.tun.TunOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The encrypt stage behind a real {@link TunChannel} (on a socket pair standing in for the device, with the vnet
 * header) on an epoll loop, with crypto workers, as {@code DataPlane} wires it: the stage hands the engine each packet
 * with the buffer of the read it was cut from, so the datagrams the workers sealed, sent once their jobs complete,
 * after that read, still leave as one GSO send that is a slice of the read, not a copy.
 */
class EncryptStageOnTunTest {

    private static final int PACKETS = 5;

    @Test
    void packetsOfOneReadBurstSealedByWorkersLeaveAsOneZeroCopyGsoSend() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoop loop = group.next();
        EmbeddedChannel udp = new EmbeddedChannel(); // used on the loop only, like the engine
        try (EnginePair pair = new EnginePair(9);
             SeqPacketPair device = new SeqPacketPair("enc-tun0", TunOptions.DEFAULT.withVnetHeader(true));
             ChaCha20Poly1305 loopAead = AeadImplementation.select("auto").newInstance()) {
            pair.sendPacket(pair.alice, Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(10, 1)));
            pair.bob.takeTunnel().forEach(ByteBuf::release);
            pair.alice.outbox.releaseAll();
            Engine engine = pair.alice.engine;
            EngineDriver driver = new EngineDriver(engine, loop, pair::now);
            TunChannel channel = new TunChannel(device.queue());
            channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
            channel.config().setSegmentTailroom(length -> Transport.paddingLength(length, engine.mtu())
                    + ChaCha20Poly1305.TAG_LENGTH);
            channel.pipeline().addLast(new BatchFlusher(driver), new EncryptHandler(driver));
            NettyOutbox outbox = onLoop(loop, () -> {
                NettyOutbox gso = new NettyOutbox(udp, channel, true);
                driver.attach(gso);
                driver.useWorkers(new CryptoWorkers(2, 256, AeadImplementation.select("auto")::newInstance,
                        k -> "enc-stage-crypto-" + k, k -> -1, loop, driver::completeCryptoJobs), loopAead);
                return gso;
            });
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < PACKETS; i++) { // queued before the channel reads: one read burst takes them all
                ByteBuf packet = Packets.udp4("10.10.10.5", "192.168.1.5", Packets.payload(300, i));
                sent.add(Packets.bytes(packet));
                packet.release();
                device.sendPacket(sent.getLast());
            }
            loop.register(channel).sync();
            try {
                List<DatagramPacket> sends = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (sends.isEmpty() && System.nanoTime() < deadline) {
                    sends.addAll(onLoop(loop, () -> {
                        List<DatagramPacket> out = new ArrayList<>();
                        for (Object message; (message = udp.readOutbound()) != null; ) {
                            out.add((DatagramPacket) message);
                        }
                        return out;
                    }));
                    Thread.sleep(1);
                }
                try {
                    assertEquals(1, sends.size(), "one send for the read burst");
                    SegmentedDatagramPacket send = (SegmentedDatagramPacket) sends.getFirst();
                    ByteBuf content = send.content();
                    int size = send.segmentSize();
                    assertEquals(PACKETS * size, content.readableBytes(), "the five datagrams, back to back");
                    assertEquals(List.of(1L, (long) PACKETS, 0L), onLoop(loop,
                            () -> List.of(outbox.gsoSends(), outbox.gsoDatagrams(), outbox.gsoCopies())),
                            "one segmented send of five datagrams, none copied");
                    for (int i = 0; i < PACKETS; i++) {
                        pair.bob.engine.onDatagram(pair.now(), content.retainedSlice(content.readerIndex() + i * size,
                                size), EnginePair.ALICE_ADDRESS, pair.bob.outbox);
                        List<ByteBuf> opened = pair.bob.outbox.takeTunnelPackets();
                        assertEquals(1, opened.size(), "datagram " + i + " opened");
                        assertArrayEquals(sent.get(i), Packets.bytes(opened.getFirst()), "packet " + i + " in order");
                        opened.getFirst().release();
                    }
                } finally {
                    sends.forEach(DatagramPacket::release);
                }
            } finally {
                onLoop(loop, () -> {
                    driver.stop();
                    return channel.close();
                }).sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            udp.finishAndReleaseAll();
        }
    }

    private static <T> T onLoop(EventLoop loop, Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }
}
