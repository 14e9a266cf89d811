package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * For tests of {@link HandshakeSteering}: a data socket and (once {@link #join}ed) a handshake socket in one reuseport
 * group on the wildcard address, both families, as the gateway has them, each recording what it receives.
 */
final class SteeringGroup implements AutoCloseable {

    final BlockingQueue<byte[]> dataSocket = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> handshakeSocket = new LinkedBlockingQueue<>();
    private final MultiThreadIoEventLoopGroup group = TransportKind.EPOLL.newGroup(1, DataPlane.threads("steer-test"));
    private final EventLoop loop = group.next();
    final EpollDatagramChannel data = bound(0, dataSocket);
    private EpollDatagramChannel handshake;

    int port() {
        return data.localAddress().getPort();
    }

    /** The handshake socket joins the group (after a program is attached, as the gateway does it). */
    void join() {
        handshake = bound(port(), handshakeSocket);
    }

    private EpollDatagramChannel bound(int port, BlockingQueue<byte[]> received) {
        EpollDatagramChannel channel = new EpollDatagramChannel();
        channel.config().setOption(UnixChannelOption.SO_REUSEPORT, true);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                DatagramPacket packet = (DatagramPacket) msg;
                received.add(ByteBufUtil.getBytes(packet.content()));
                packet.release();
            }
        });
        loop.register(channel).syncUninterruptibly();
        channel.bind(new InetSocketAddress(port)).syncUninterruptibly();
        return channel;
    }

    /**
     * Sends {@code payload} from {@code source} (a local address) to the group and checks that it arrives on the
     * socket {@code expected} names, and only there.
     */
    void sendAndExpect(InetAddress source, byte[] payload, int expected, String what) throws IOException,
            InterruptedException {
        try (java.nio.channels.DatagramChannel sender = java.nio.channels.DatagramChannel.open()) {
            sender.bind(new InetSocketAddress(source, 0));
            InetAddress to = source.getAddress().length == 4 ? InetAddress.getByName("127.0.0.1")
                    : InetAddress.getByName("::1");
            sender.send(ByteBuffer.wrap(payload), new InetSocketAddress(to, port()));
        }
        BlockingQueue<byte[]> there = expected == HandshakeSteering.DATA_SOCKET ? dataSocket : handshakeSocket;
        BlockingQueue<byte[]> other = there == dataSocket ? handshakeSocket : dataSocket;
        byte[] arrived = there.poll(5, TimeUnit.SECONDS);
        assertNotNull(arrived, () -> what + " from " + source.getHostAddress() + " (" + ByteBufUtil.hexDump(payload)
                + ") did not reach the " + (there == dataSocket ? "data" : "handshake") + " socket");
        assertEquals(ByteBufUtil.hexDump(payload), ByteBufUtil.hexDump(arrived));
        assertNull(other.poll(), what + " also reached the other socket");
    }

    @Override
    public void close() {
        if (handshake != null) {
            handshake.close().syncUninterruptibly();
        }
        data.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
