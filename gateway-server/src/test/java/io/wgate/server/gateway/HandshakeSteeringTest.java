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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HandshakeSteering}'s program in the kernel against its naive twin {@link HandshakeSteering#socketFor}: two
 * sockets on the wildcard address in one reuseport group, as the gateway has them, random payloads over IPv4 and IPv6 (transport headers, handshake types, near misses, short
 * and random ones), each sent and seen arriving on the socket the twin names.
 */
class HandshakeSteeringTest {

    private static final long SEED = 0x5eed_57ee_1L;
    private final MultiThreadIoEventLoopGroup group = TransportKind.EPOLL.newGroup(1, DataPlane.threads("steer-test"));
    private final BlockingQueue<byte[]> dataSocket = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> handshakeSocket = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private EpollDatagramChannel bound(EventLoop loop, int port, BlockingQueue<byte[]> received) {
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
        channel.bind(new InetSocketAddress(port)).syncUninterruptibly(); // the wildcard, both families, as the gateway

        return channel;
    }

    private static byte[] payload(Random random) {
        int kind = random.nextInt(6);
        byte[] bytes = new byte[kind == 4 ? random.nextInt(4) + 1 : 4 + random.nextInt(200)];
        random.nextBytes(bytes);
        switch (kind) {
            case 0, 1 -> System.arraycopy(new byte[] {4, 0, 0, 0}, 0, bytes, 0, 4); // transport data
            case 2 -> System.arraycopy(new byte[] {(byte) (1 + random.nextInt(3)), 0, 0, 0}, 0, bytes, 0, 4);
            case 3 -> { // a near miss: type 4 with one reserved byte set, or another byte in front
                System.arraycopy(new byte[] {4, 0, 0, 0}, 0, bytes, 0, 4);
                int at = random.nextInt(4);
                bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
            }
            default -> { } // 1-3 bytes, or random
        }
        return bytes;
    }

    @Test
    void theKernelSteersEveryDatagramWhereTheNaiveTwinSays() throws Exception {
        EventLoop loop = group.next();
        EpollDatagramChannel data = bound(loop, 0, dataSocket);
        int port = data.localAddress().getPort();
        HandshakeSteering.attach(data.fd().intValue());
        EpollDatagramChannel handshake = bound(loop, port, handshakeSocket);
        Random random = new Random(SEED);
        try (java.nio.channels.DatagramChannel v4 = java.nio.channels.DatagramChannel.open(StandardProtocolFamily.INET);
             java.nio.channels.DatagramChannel v6 = java.nio.channels.DatagramChannel.open(StandardProtocolFamily.INET6)) {
            v4.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            v6.connect(new InetSocketAddress(InetAddress.getByName("::1"), port));
            for (int n = 0; n < 400; n++) {
                int i = n;
                byte[] sent = payload(random);
                (i % 2 == 0 ? v4 : v6).write(ByteBuffer.wrap(sent));
                BlockingQueue<byte[]> expected = HandshakeSteering.socketFor(sent) == HandshakeSteering.DATA_SOCKET
                        ? dataSocket : handshakeSocket;
                BlockingQueue<byte[]> other = expected == dataSocket ? handshakeSocket : dataSocket;
                byte[] arrived = expected.poll(5, TimeUnit.SECONDS);
                assertNotNull(arrived, () -> "datagram " + i + " over IPv" + (i % 2 == 0 ? 4 : 6) + " ("
                        + ByteBufUtil.hexDump(sent) + ") did not reach the "
                        + (expected == dataSocket ? "data" : "handshake") + " socket");
                assertEquals(ByteBufUtil.hexDump(sent), ByteBufUtil.hexDump(arrived));
                assertNull(other.poll(), "datagram " + i + " also reached the other socket");
            }
        } finally {
            handshake.close().syncUninterruptibly();
            data.close().syncUninterruptibly();
        }
    }

    @Test
    void beforeTheHandshakeSocketJoinsTheDataSocketGetsEverything() throws Exception {
        EpollDatagramChannel data = bound(group.next(), 0, dataSocket);
        HandshakeSteering.attach(data.fd().intValue());
        try (java.nio.channels.DatagramChannel sender = java.nio.channels.DatagramChannel.open()) {
            sender.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), data.localAddress().getPort()));
            byte[] initiation = new byte[148];
            initiation[0] = 1;
            sender.write(ByteBuffer.wrap(initiation));
            byte[] arrived = dataSocket.poll(5, TimeUnit.SECONDS);
            assertNotNull(arrived, "an answer beyond the group falls back to the hash, i.e. the only socket");
            assertEquals(true, Arrays.equals(initiation, arrived));
        } finally {
            data.close().syncUninterruptibly();
        }
    }

    @Test
    void aPortHeldByAReuseportGroupIsRefusedToTheNextGateway() {
        EpollDatagramChannel data = bound(group.next(), 0, dataSocket);
        int port = data.localAddress().getPort();
        try {
            java.net.BindException refused = org.junit.jupiter.api.Assertions.assertThrows(java.net.BindException.class,
                    () -> UdpSockets.claim(port), "a second gateway would otherwise join the group");
            assertEquals(true, refused.getMessage().startsWith("cannot listen on UDP port " + port + ": "),
                    refused.getMessage());
        } finally {
            data.close().syncUninterruptibly();
        }
    }

    @Test
    void claimingPortZeroPicksAFreePort() throws Exception {
        int port = UdpSockets.claim(0);
        assertEquals(true, port > 0 && port < 65536, "port " + port);
    }

    @Test
    void theTwinReadsTheFirstWordOnly() {
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {4, 0, 0, 0, 9}));
        assertEquals(HandshakeSteering.HANDSHAKE_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0, 0}));
        assertEquals(HandshakeSteering.HANDSHAKE_SOCKET, HandshakeSteering.socketFor(new byte[] {4, 0, 0, 1}));
        assertEquals(HandshakeSteering.DATA_SOCKET, HandshakeSteering.socketFor(new byte[] {1, 0, 0}));
    }
}
