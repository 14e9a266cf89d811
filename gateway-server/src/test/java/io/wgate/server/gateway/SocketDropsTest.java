package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SocketDrops} on a real loopback socket that nobody reads: what overflows its small queue is counted. */
class SocketDropsTest {

    private final MultiThreadIoEventLoopGroup group = TransportKind.EPOLL.newGroup(1, DataPlane.threads("drops-test"));

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void countsTheDatagramsAnUnreadSocketHadNoRoomFor() throws Exception {
        EpollDatagramChannel channel = new EpollDatagramChannel();
        channel.config().setAutoRead(false);
        channel.config().setReceiveBufferSize(4096); // the kernel doubles it: room for a few datagrams
        group.next().register(channel).syncUninterruptibly();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly();
        assertEquals(0, SocketDrops.of(channel), "a new socket has dropped nothing");
        int sent = 200;
        try (java.nio.channels.DatagramChannel sender = java.nio.channels.DatagramChannel.open()) {
            sender.connect(channel.localAddress());
            for (int i = 0; i < sent; i++) {
                sender.write(ByteBuffer.allocate(1000));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long drops = SocketDrops.of(channel);
        while (drops < sent - 20 && System.nanoTime() < deadline) { // loopback delivers at once; allow a moment
            Thread.sleep(10);
            drops = SocketDrops.of(channel);
        }
        assertTrue(drops >= sent - 20 && drops <= sent, "drops " + drops + " of " + sent + " sent to a ~9 KB queue");
        channel.close().syncUninterruptibly();
        assertEquals(0, SocketDrops.of(channel), "a closed socket counts nothing");
    }

    @Test
    void noSocketCountsNothing() {
        assertEquals(0, SocketDrops.of(null), "no handshake socket (io_uring, or refused)");
    }

    @Test
    void theStopLineNamesBothSocketsOnlyWhenTheyDropped() {
        assertEquals("", DropSummary.socketDrops(0, 0));
        assertEquals(" handshake_socket_overflow=7", DropSummary.socketDrops(0, 7));
        assertEquals(" data_socket_overflow=2 handshake_socket_overflow=7", DropSummary.socketDrops(2, 7));
    }
}
