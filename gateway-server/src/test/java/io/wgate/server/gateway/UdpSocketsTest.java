package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins what the gateway relies on in Netty 4.2.18's epoll datagram channel, on loopback: with UDP_GRO (and no
 * MAX_DATAGRAM_PAYLOAD_SIZE) a coalesced read is handed on as one {@code DatagramPacket} per datagram, each with its
 * sender; with recvmmsg (GRO off) the same datagrams arrive one by one too. The kernel coalesces a UDP GSO send on
 * loopback, so the GRO case really reads one coalesced buffer. java-stack.md §1.5 found that GRO with recvmmsg hands
 * on unsplit blobs: this fails if a Netty upgrade changes either path.
 */
class UdpSocketsTest {
    private static MultiThreadIoEventLoopGroup group;

    @BeforeAll
    static void startLoop() {
        TransportKind.EPOLL.ensureAvailable();
        group = TransportKind.EPOLL.newGroup(1, new DefaultThreadFactory("udp-sockets-test"));
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what each read hands on: length, first byte and sender, releasing the packets. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        record Seen(int length, int first, InetSocketAddress sender) {
        }

        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf content = packet.content();
                seen.add(new Seen(content.readableBytes(), content.getUnsignedByte(content.readerIndex()),
                        packet.sender()));
            } finally {
                packet.release();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSegmentedSendArrivesAsSeparateDatagramsWithTheirSender(boolean gro) throws Exception {
        DatagramChannel receiver = new EpollDatagramChannel();
        assertEquals(gro, UdpSockets.configure(receiver, TransportKind.EPOLL, gro), "UDP_GRO on this kernel");
        Recorder recorder = new Recorder();
        receiver.pipeline().addLast(recorder);
        group.register(receiver).sync();
        receiver.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        assertEquals(gro, UdpSockets.groEnabled(receiver));
        DatagramChannel sender = new EpollDatagramChannel();
        sender.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.register(sender).sync();
        sender.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        try {
            assertTrue(UdpSockets.gsoSupported(TransportKind.EPOLL), "UDP_SEGMENT on this kernel");
            ByteBuf content = PooledByteBufAllocator.DEFAULT.directBuffer(10 * 1200 + 500);
            for (int i = 0; i < 11; i++) {
                content.writeZero(i < 10 ? 1200 : 500);
                content.setByte(i * 1200, i + 1);
            }
            sender.writeAndFlush(new SegmentedDatagramPacket(content, 1200,
                    (InetSocketAddress) receiver.localAddress())).sync();
            InetSocketAddress from = (InetSocketAddress) sender.localAddress();
            for (int i = 0; i < 11; i++) {
                Recorder.Seen seen = recorder.seen.poll(5, TimeUnit.SECONDS);
                assertEquals(new Recorder.Seen(i < 10 ? 1200 : 500, i + 1, from), seen, "datagram " + i);
            }
            assertFalse(recorder.seen.poll(100, TimeUnit.MILLISECONDS) != null, "nothing more");
        } finally {
            sender.close().sync();
            receiver.close().sync();
        }
    }
}
