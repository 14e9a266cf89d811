package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real TUN interface inside a fresh network namespace per test, served by a TunChannel on an epoll loop.
 * The interface carries 10.99.0.1/24; 10.99.0.2 is the imaginary far end "behind" the channel.
 */
@Privileged
class TunChannelIT {
    private static final String TUN = "wgt-chan0";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final InetAddress LOCAL = address(10, 99, 0, 1);
    private static final InetAddress REMOTE = address(10, 99, 0, 2);
    @RegisterExtension
    static final TunChannelLoop LOOP = new TunChannelLoop();

    private NetNs ns;
    private TunChannel channel;
    private final PacketRecorder recorder = new PacketRecorder();

    @BeforeEach
    void createNamespace() {
        ns = NetNs.create("tunchannel");
    }

    @AfterEach
    void removeEverything() {
        try {
            if (channel != null) {
                TunChannelLoop.close(channel);
            }
        } finally {
            ns.close();
        }
    }

    /** Opens the TUN inside the namespace, registers the channel, then gives the interface its address. */
    private void openChannel(int headroom, int tailroom) throws Exception {
        TunDevice device = ns.call(() -> TunDevice.open(TUN));
        channel = new TunChannel(device);
        channel.config().setHeadroom(headroom).setTailroom(tailroom);
        channel.pipeline().addLast(recorder);
        LOOP.register(channel);
        ns.ip("addr", "add", "10.99.0.1/24", "dev", TUN);
        ns.ip("link", "set", TUN, "up");
    }

    private void sendUdpToRemote(byte[] payload, int port) throws Exception {
        ns.call(() -> {
            try (DatagramSocket socket = new DatagramSocket()) { // created inside the namespace
                socket.send(new DatagramPacket(payload, payload.length, REMOTE, port));
            }
            return null;
        });
    }

    @Test
    void deliversAPacketRoutedIntoTheInterfaceAtHeadroomWithTailroomWritable() throws Exception {
        openChannel(16, 32);
        byte[] payload = "hello through the tun".getBytes(StandardCharsets.US_ASCII);
        sendUdpToRemote(payload, 5555);

        PacketRecorder.Packet packet = recorder.await(
                p -> Ipv4Packets.isIpv4(p.bytes(), Ipv4Packets.PROTOCOL_UDP, REMOTE), TIMEOUT, "UDP to 10.99.0.2");
        byte[] ip = packet.bytes();
        assertEquals(LOCAL, Ipv4Packets.source(ip));
        assertEquals(5555, ((ip[22] & 0xff) << 8) | (ip[23] & 0xff), "UDP destination port");
        assertArrayEquals(payload, Arrays.copyOfRange(ip, 28, ip.length));
        assertEquals(16, packet.readerIndex());
        assertTrue(packet.writableBytes() >= 32, "writable " + packet.writableBytes());
        assertTrue(packet.direct());
        assertTrue(channel.eventLoop().inEventLoop(packet.thread()));
    }

    @Test
    void answersAnEchoRequestWrittenIntoTheInterface() throws Exception {
        openChannel(16, 32);
        byte[] payload = "ping from behind the tunnel".getBytes(StandardCharsets.US_ASCII);
        byte[] request = Ipv4Packets.echoRequest(REMOTE, LOCAL, 0x4242, 7, payload);
        ByteBuf buf = channel.alloc().directBuffer(request.length).writeBytes(request);
        channel.writeAndFlush(buf).sync();

        PacketRecorder.Packet reply = recorder.await(p -> Ipv4Packets.isIpv4(p.bytes(), Ipv4Packets.PROTOCOL_ICMP,
                REMOTE) && p.bytes()[20] == Ipv4Packets.ICMP_ECHO_REPLY, TIMEOUT, "ICMP echo reply");
        byte[] ip = reply.bytes();
        int headerLength = Ipv4Packets.headerLength(ip);
        assertEquals(LOCAL, Ipv4Packets.source(ip));
        assertEquals(0, Ipv4Packets.checksum(ip, 0, headerLength), "IP header checksum");
        assertEquals(0, Ipv4Packets.checksum(ip, headerLength, ip.length - headerLength), "ICMP checksum");
        assertEquals(0x4242, ((ip[headerLength + 4] & 0xff) << 8) | (ip[headerLength + 5] & 0xff), "identifier");
        assertEquals(7, ((ip[headerLength + 6] & 0xff) << 8) | (ip[headerLength + 7] & 0xff), "sequence");
        assertArrayEquals(payload, Arrays.copyOfRange(ip, headerLength + 8, ip.length));
        assertEquals(1, channel.counters().packetsWritten());
        assertEquals(0, buf.refCnt());
    }

    @Test
    void closingTheChannelRemovesTheInterface() throws Exception {
        openChannel(16, 32);
        assertTrue(ns.tryIp("link", "show", TUN).ok());

        channel.close().sync();
        awaitTrue(() -> !ns.tryIp("link", "show", TUN).ok(), TUN + " still exists after close");
    }

    @Test
    void deletingTheInterfaceClosesTheChannel() throws Exception {
        openChannel(16, 32);
        ns.ip("link", "del", TUN);

        assertTrue(channel.closeFuture().await(TIMEOUT.toMillis()), "channel still open after ip link del");
        Throwable cause = recorder.exceptions.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().contains("'" + TUN + "'"), cause.getMessage());
    }

    @Test
    void explainsThatTheNameBelongsToAnotherKindOfLink() throws Exception {
        ns.ip("link", "add", TUN, "type", "bridge");

        TunException e = assertThrows(TunException.class, () -> ns.call(() -> TunDevice.open(TUN)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("'" + TUN + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(e.getMessage().contains("ip link del " + TUN), e.getMessage());
    }

    @Test
    void countsPacketsLongerThanTheReadBufferAsDrops() throws Exception {
        openChannel(16, 32); // MTU 1420 -> reads accept up to 1500 bytes
        ns.ip("link", "set", TUN, "mtu", "4000");
        sendUdpToRemote(new byte[3000], 6000);
        sendUdpToRemote(new byte[100], 6001);

        PacketRecorder.Packet small = recorder.await(
                p -> Ipv4Packets.isIpv4(p.bytes(), Ipv4Packets.PROTOCOL_UDP, REMOTE), TIMEOUT, "small UDP packet");
        assertEquals(128, small.bytes().length);
        assertEquals(1, channel.counters().dropped(TunDropReason.OVERSIZED_READ));
    }

    @Test
    void rejectedWritesFailTheirPromiseAndAreCountedButKeepTheChannelOpen() throws Exception {
        openChannel(16, 32);
        byte[] notIp = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
        ChannelFuture garbage = channel.writeAndFlush(channel.alloc().directBuffer().writeBytes(notIp)).await();
        assertFalse(garbage.isSuccess());
        assertTrue(garbage.cause().getMessage().contains("not an IPv4 or IPv6 packet"), garbage.cause().getMessage());

        ns.ip("link", "set", TUN, "down");
        byte[] request = Ipv4Packets.echoRequest(REMOTE, LOCAL, 1, 1, new byte[8]);
        ChannelFuture whileDown = channel.writeAndFlush(channel.alloc().directBuffer().writeBytes(request)).await();
        assertFalse(whileDown.isSuccess());
        assertTrue(whileDown.cause().getMessage().contains("down"), whileDown.cause().getMessage());

        assertEquals(2, channel.counters().dropped(TunDropReason.WRITE_REJECTED));
        assertEquals(2, channel.droppedPackets());
        assertTrue(channel.isActive());
    }

    private static void awaitTrue(BooleanSupplier condition, String message) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError(message);
            }
            Thread.sleep(20);
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
