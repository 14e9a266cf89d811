package io.wgate.server.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UDP transfer in which every datagram is accounted for, run by the integration tests as two child JVMs in the
 * hosts' namespaces: {@code receive ADDRESS PORT BYTES} on one host, then {@code send ADDRESS PORT BYTES} on the
 * other ({@link #command}).
 *
 * <p>The payload is the first BYTES bytes of the {@link SeededBytes} stream for {@link #SEED}. Datagram {@code i}
 * carries its sequence number {@code i} (8 bytes, big-endian) and the next {@value #CHUNK} bytes of the stream
 * (the last one fewer): {@value #DATAGRAM} bytes, small enough for the 1420-byte tunnel over IPv4 and IPv6. The
 * sender hands {@value #WINDOW} datagrams at a time to the kernel as one UDP GSO send ({@code UDP_SEGMENT}), so
 * they travel as one super-packet as far as the next device that cannot take it (on a gateway with TUN offloads,
 * one USO read), then waits until the receiver acknowledges the whole window before it sends the next: UDP has no
 * flow control, and windowing keeps every queue on a correct path far from full even on a slow, loaded machine.
 * Nothing is retransmitted: a datagram lost, reordered, duplicated, cut or grown shows in the result.
 *
 * <p>The receiver expects sequence numbers in order, each datagram with its exact length, digests the payload as
 * it arrives, acknowledges (8 bytes: the next sequence number expected) each complete window, and prints one
 * line ({@link Result}), then up to ten anomalies; exit status 0 only for a complete transfer without anomalies.
 * The sender prints {@code sent N datagrams, B bytes, sha256 H, W per GSO send} and exits 0 once the last
 * window is acknowledged, 1 when an acknowledgement does not come within {@link #ACK_TIMEOUT_MILLIS}.
 */
public final class UdpTransfer {

    static final long SEED = 0x0DD_BA11L;
    /** Stream bytes per datagram. */
    static final int CHUNK = 1332;
    /** Sequence number and chunk: 1340 bytes of UDP payload, 1368 (IPv4) or 1388 (IPv6) bytes of IP packet. */
    static final int DATAGRAM = 8 + CHUNK;
    /** Datagrams per GSO send and per acknowledgement: 53 600 bytes, under the 64 KiB of one UDP GSO send. */
    static final int WINDOW = 40;
    static final long ACK_TIMEOUT_MILLIS = 5_000;
    /** How long the receiver waits for the first datagram, and then for each next one. */
    static final int FIRST_DATAGRAM_TIMEOUT_MILLIS = 30_000;
    static final int IDLE_TIMEOUT_MILLIS = 5_000;
    /** What the receiver prints once its socket is bound. */
    static final String LISTENING = "listening";

    private UdpTransfer() {
    }

    /** {@code java <JVM options> -cp <this JVM's class path> UdpTransfer args...}. */
    static List<String> command(String... args) {
        List<String> line = new ArrayList<>();
        line.add(ProcessHandle.current().info().command().orElse("java"));
        line.addAll(JavaRuntime.JVM_OPTIONS);
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), UdpTransfer.class.getName()));
        line.addAll(List.of(args));
        return line;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !(args[0].equals("send") || args[0].equals("receive"))) {
            System.err.println("Usage: UdpTransfer send|receive ADDRESS PORT BYTES");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        long bytes = Long.parseLong(args[3]);
        System.exit(args[0].equals("send") ? send(address, bytes) : receive(address, bytes));
    }

    /** Datagrams needed for {@code bytes} bytes of stream. */
    static long datagrams(long bytes) {
        return (bytes + CHUNK - 1) / CHUNK;
    }

    // ------------------------------------------------------------------------------------------------- sender

    private static int send(InetSocketAddress target, long bytes) throws Exception {
        if (!Epoll.isAvailable() || !EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            System.out.println("UDP GSO is not available here: " + Epoll.unavailabilityCause());
            return 2;
        }
        long count = datagrams(bytes);
        Object lock = new Object();
        long[] acknowledged = {0};
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            SocketProtocolFamily family = target.getAddress() instanceof Inet6Address ? SocketProtocolFamily.INET6
                    : SocketProtocolFamily.INET;
            Channel channel = new Bootstrap().group(group)
                    .channelFactory(() -> new EpollDatagramChannel(family))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket ack) {
                            ByteBuf content = ack.content();
                            if (content.readableBytes() == 8) {
                                synchronized (lock) {
                                    acknowledged[0] = Math.max(acknowledged[0], content.getLong(content.readerIndex()));
                                    lock.notifyAll();
                                }
                            }
                        }
                    })
                    .bind(new InetSocketAddress(0)).sync().channel();
            SeededBytes stream = new SeededBytes(SEED);
            MessageDigest sha256 = SeededBytes.newSha256();
            byte[] chunk = new byte[CHUNK];
            for (long first = 0; first < count; first += WINDOW) {
                int n = (int) Math.min(WINDOW, count - first);
                ByteBuf window = channel.alloc().directBuffer(n * DATAGRAM);
                for (int i = 0; i < n; i++) {
                    long seq = first + i;
                    int length = chunkLength(seq, bytes);
                    stream.next(chunk, 0, length);
                    sha256.update(chunk, 0, length);
                    window.writeLong(seq).writeBytes(chunk, 0, length);
                }
                channel.writeAndFlush(new SegmentedDatagramPacket(window, DATAGRAM, target)).sync();
                long end = first + n;
                long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MILLIS);
                synchronized (lock) {
                    while (acknowledged[0] < end) {
                        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                        if (leftMillis <= 0) {
                            System.out.println("no acknowledgement of datagrams " + first + " to " + (end - 1)
                                    + " within " + ACK_TIMEOUT_MILLIS + " ms (acknowledged up to "
                                    + acknowledged[0] + " of " + count + ")");
                            return 1;
                        }
                        lock.wait(leftMillis);
                    }
                }
            }
            channel.close().sync();
            System.out.println("sent " + count + " datagrams, " + bytes + " bytes, sha256 "
                    + HexFormat.of().formatHex(sha256.digest()) + ", " + WINDOW + " per GSO send");
            return 0;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Stream bytes in datagram {@code seq} of a {@code bytes}-byte transfer. */
    static int chunkLength(long seq, long bytes) {
        return (int) Math.min(CHUNK, bytes - seq * CHUNK);
    }

    // ----------------------------------------------------------------------------------------------- receiver

    private static int receive(InetSocketAddress bind, long bytes) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReceiveBufferSize(4 << 20);
            socket.bind(bind);
            socket.setSoTimeout(FIRST_DATAGRAM_TIMEOUT_MILLIS);
            System.out.println(LISTENING + " on " + bind);
            System.out.flush();
            Receipt receipt = new Receipt(bytes);
            byte[] buffer = new byte[1 << 16];
            java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
            byte[] ack = new byte[8];
            while (!receipt.complete()) {
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
                if (receipt.accept(buffer, packet.getLength())) {
                    ByteBuffer.wrap(ack).putLong(0, receipt.next());
                    socket.send(new java.net.DatagramPacket(ack, ack.length, packet.getSocketAddress()));
                }
            }
            System.out.println(receipt.result().format());
            receipt.anomalies().forEach(a -> System.out.println("  " + a));
            return receipt.complete() && receipt.anomalyCount() == 0 ? 0 : 1;
        }
    }

    /**
     * The receiver's bookkeeping: which datagram comes next, what arrived instead, the digest of what arrived in
     * order. No sockets, so the checks can be tested on their own.
     */
    static final class Receipt {
        private static final int ANOMALIES_KEPT = 10;

        private final long bytes;
        private final long count;
        private final MessageDigest sha256 = SeededBytes.newSha256();
        private final List<String> anomalies = new ArrayList<>();
        private long next;
        private long inOrderBytes;
        private long anomalyCount;

        Receipt(long bytes) {
            this.bytes = bytes;
            this.count = datagrams(bytes);
        }

        /**
         * Takes one datagram ({@code length} bytes of {@code data}).
         *
         * @return whether it completed a window (or the transfer): time to acknowledge
         */
        boolean accept(byte[] data, int length) {
            if (length < 8) {
                anomaly("a datagram of " + length + " bytes while " + next + " was expected");
                return false;
            }
            long seq = ByteBuffer.wrap(data).getLong(0);
            if (seq != next) {
                anomaly(seq < next ? "datagram " + seq + " again, after " + (next - 1)
                        : "datagram " + seq + " while " + next + " was expected");
                return false;
            }
            int expected = seq < count ? 8 + chunkLength(seq, bytes) : -1;
            if (length != expected) {
                anomaly("datagram " + seq + " has " + length + " bytes, not " + expected);
                return false;
            }
            sha256.update(data, 8, length - 8);
            inOrderBytes += length - 8;
            next++;
            return next % WINDOW == 0 || next == count;
        }

        private void anomaly(String what) {
            anomalyCount++;
            if (anomalies.size() < ANOMALIES_KEPT) {
                anomalies.add(what);
            }
        }

        long next() {
            return next;
        }

        boolean complete() {
            return next == count;
        }

        long anomalyCount() {
            return anomalyCount;
        }

        /** The first {@value #ANOMALIES_KEPT} anomalies. */
        List<String> anomalies() {
            return List.copyOf(anomalies);
        }

        /** What arrived so far (the digest covers the datagrams taken in order; call once). */
        Result result() {
            return new Result(next, inOrderBytes, HexFormat.of().formatHex(sha256.digest()), anomalyCount);
        }
    }

    /**
     * The receiver's verdict: {@code received 12596 datagrams in order, 16777216 bytes, sha256 <hex>, anomalies 0}.
     *
     * @param datagrams datagrams taken in order (the next sequence number expected)
     * @param bytes     stream bytes in them
     * @param sha256    SHA-256 of those bytes, hex
     * @param anomalies datagrams out of order, repeated or of the wrong length
     */
    record Result(long datagrams, long bytes, String sha256, long anomalies) {
        private static final Pattern LINE = Pattern.compile(
                "received (\\d+) datagrams in order, (\\d+) bytes, sha256 ([0-9a-f]{64}), anomalies (\\d+)");

        String format() {
            return "received " + datagrams + " datagrams in order, " + bytes + " bytes, sha256 " + sha256
                    + ", anomalies " + anomalies;
        }

        /** The result line in a receiver's output, if any. */
        static Optional<Result> parse(String output) {
            Matcher m = LINE.matcher(output);
            return m.find() ? Optional.of(new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    m.group(3), Long.parseLong(m.group(4)))) : Optional.empty();
        }
    }
}
