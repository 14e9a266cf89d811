package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP through two real TUN interfaces opened with the vnet header and offloads: namespace A's kernel sends a bulk
 * transfer into TUN A, whose channel splits the GSO super-packets and hands every segment to TUN B's channel,
 * which writes it into namespace B (and the ACKs the other way). B's kernel verifies every checksum, so intact
 * bytes, no TCP checksum errors in B and super-packet reads on A mean the split is right on a real kernel. TUN B's
 * channel coalesces what it writes (TCP, and UDP with the UDP segmentation offload), so B's kernel also takes our
 * GSO super-packets apart again: the datagrams of the UDP test must arrive one by one, in order and intact.
 */
@Privileged
class TunOffloadIT {
    private static final String TUN_A = "wgt-offl-a";
    private static final String TUN_B = "wgt-offl-b";
    private static final int PORT = 5001;
    private static final int BYTES = 16 << 20;
    @RegisterExtension
    static final TunChannelLoop LOOP = new TunChannelLoop();

    private NetNs nsA;
    private NetNs nsB;
    private TunChannel channelA;
    private TunChannel channelB;

    @BeforeEach
    void createNamespaces() {
        nsA = NetNs.create("offload-a");
        nsB = NetNs.create("offload-b");
    }

    @AfterEach
    void removeEverything() {
        try {
            if (channelA != null) {
                TunChannelLoop.close(channelA);
            }
            if (channelB != null) {
                TunChannelLoop.close(channelB);
            }
        } finally {
            nsA.close();
            nsB.close();
        }
    }

    /** Forwards every packet read from its channel to {@code peer}, flushing once per read batch. */
    private static final class Wire extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Wire(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isRegistered()) { // the two channels register one after the other; writing would throw
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.write(msg, peer.voidPromise()); // takes ownership
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }
    }

    private TunChannel open(NetNs ns, String name) throws Exception {
        TunDevice device = ns.call(() -> TunDevice.open(name,
                TunOptions.DEFAULT.withVnetHeader(true).withUdpSegmentation(true)));
        assertTrue(device.queue(0).vnetHeader(), "the kernel refused TUNSETOFFLOAD");
        return new TunChannel(device);
    }

    /** Both TUNs up with addresses of {@code ipv4}'s family, channels wired and registered; B's address. */
    private InetAddress wire(boolean ipv4) throws Exception {
        channelA = open(nsA, TUN_A);
        channelB = open(nsB, TUN_B);
        channelA.pipeline().addLast(new Wire(channelB));
        channelB.pipeline().addLast(new Wire(channelA));
        String a = ipv4 ? "10.98.0.1/24" : "fd00:98::1/64";
        String b = ipv4 ? "10.98.0.2/24" : "fd00:98::2/64";
        if (ipv4) {
            nsA.ip("addr", "add", a, "dev", TUN_A);
            nsB.ip("addr", "add", b, "dev", TUN_B);
        } else { // no duplicate address detection: the addresses are usable at once
            nsA.ip("-6", "addr", "add", a, "dev", TUN_A, "nodad");
            nsB.ip("-6", "addr", "add", b, "dev", TUN_B, "nodad");
        }
        nsA.ip("link", "set", TUN_A, "up");
        nsB.ip("link", "set", TUN_B, "up");
        LOOP.register(channelA); // after both links are up: nothing is written into an interface that is down
        LOOP.register(channelB);
        return InetAddress.getByName(ipv4 ? "10.98.0.2" : "fd00:98::2");
    }

    private static long tcpChecksumErrors(NetNs ns) {
        String[] lines = ns.exec("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 0; k < names.length; k++) {
                    if (names[k].equals("InCsumErrors")) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new IllegalStateException("no Tcp InCsumErrors in /proc/net/snmp");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bulkTcpThroughOffloadingTunsArrivesIntactFromSplitSuperPackets(boolean ipv4) throws Exception {
        InetAddress serverAddress = wire(ipv4);
        long checksumErrorsBefore = tcpChecksumErrors(nsB);

        byte[] data = new byte[BYTES];
        long seed = System.nanoTime();
        System.out.println("TunOffloadIT seed " + seed);
        new Random(seed).nextBytes(data);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);

        try (ServerSocket server = nsB.call(() -> new ServerSocket(PORT, 1, serverAddress));
             Socket client = nsA.call(Socket::new)) {
            // Java creates the socket's fd lazily, so it must connect inside the namespace
            server.setSoTimeout(20_000);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                    accepted.setSoTimeout(20_000);
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] chunk = new byte[65536];
                    long total = 0;
                    for (int n; (n = in.read(chunk)) > 0; ) {
                        digest.update(chunk, 0, n);
                        total += n;
                    }
                    assertEquals(BYTES, total, "bytes received");
                    return digest.digest();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            nsA.call(() -> {
                client.connect(new InetSocketAddress(serverAddress, PORT), 10_000);
                return null;
            });
            try (OutputStream out = client.getOutputStream()) {
                out.write(data);
            }
            assertArrayEquals(expected, received.get(60, TimeUnit.SECONDS), "SHA-256 of the received bytes");
        }

        TunCounters counters = channelA.counters();
        long gsoReads = ipv4 ? counters.gsoTcp4Reads() : counters.gsoTcp6Reads();
        assertTrue(gsoReads > 0, "no TCP GSO super-packets were read from " + TUN_A + ": " + counters);
        assertTrue(counters.packetsRead() > gsoReads, counters.toString());
        assertEquals(0, counters.droppedTotal(), counters.toString());
        assertEquals(0, channelB.counters().droppedTotal(), channelB.counters().toString());
        assertEquals(checksumErrorsBefore, tcpChecksumErrors(nsB), "TCP checksum errors in " + nsB);
        TunCounters written = channelB.counters();
        assertTrue(written.coalescedWrites() > 0, "no coalesced writes into " + TUN_B + ": " + written);
        assertTrue(written.coalescedPackets() > 2 * written.coalescedWrites(), written.toString());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void udpDatagramsCoalescedIntoTheReceivingTunArriveOneByOneAndIntact(boolean ipv4) throws Exception {
        InetAddress serverAddress = wire(ipv4);
        int datagrams = 1200;
        int size = 1200;
        try (DatagramChannel receiver = nsB.call(() -> DatagramChannel.open(ipv4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6));
             DatagramChannel sender = nsA.call(() -> DatagramChannel.open(ipv4 ? StandardProtocolFamily.INET
                     : StandardProtocolFamily.INET6))) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            nsB.call(() -> receiver.bind(new InetSocketAddress(serverAddress, PORT)));
            nsA.call(() -> sender.connect(new InetSocketAddress(serverAddress, PORT)));
            AtomicInteger arrived = new AtomicInteger();
            CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
                ByteBuffer in = ByteBuffer.allocate(65536);
                int count = 0;
                try {
                    receiver.socket().setSoTimeout(10_000);
                    for (; count < datagrams; count++, arrived.set(count)) {
                        in.clear();
                        receiver.receive(in);
                        in.flip();
                        assertEquals(size, in.remaining(), "datagram " + count + " length");
                        int sequence = in.getInt(0);
                        assertEquals(count, sequence, "datagram order");
                        for (int i = 4; i < size; i++) {
                            if (in.get(i) != (byte) (sequence * 31 + i)) {
                                throw new AssertionError("datagram " + sequence + " byte " + i + " changed");
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(count + " datagrams arrived", e);
                }
                return count;
            });
            ByteBuffer out = ByteBuffer.allocate(size);
            for (int n = 0; n < datagrams; n++) {
                out.clear();
                out.putInt(n);
                for (int i = 4; i < size; i++) {
                    out.put((byte) (n * 31 + i));
                }
                out.flip();
                // At most 40 datagrams in flight: UDP has no flow control, the TUN's queue holds 500 packets, and
                // paranoid leak detection slows the channels down a lot; a lost datagram would fail the test. Those
                // in flight queue up in TUN A, so its channel reads them in batches that TUN B's channel coalesces.
                while (n - arrived.get() >= 40 && !received.isDone()) {
                    Thread.sleep(1);
                }
                sender.write(out);
            }
            try {
                assertEquals(datagrams, received.get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e.getCause().getMessage() + "; A " + channelA.counters() + "; B "
                        + channelB.counters() + "; B: " + nsB.exec("cat", "/proc/net/snmp"), e);
            }
        }
        TunCounters written = channelB.counters();
        assertTrue(written.coalescedWrites() > 0, "no coalesced UDP writes into " + TUN_B + ": " + written);
        assertEquals(0, written.droppedTotal(), written.toString());
    }
}
