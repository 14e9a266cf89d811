package io.wgate.server.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Opens the gateway's UDP socket on the engine's event loop: options for batching, large socket buffers, the
 * optional fwmark, and the handshake / decrypt / route pipeline. Registering and binding happen synchronously
 * because they run on the channel's own loop, so the socket can be replaced from a UAPI request.
 *
 * <p>Receive batching is one of two kinds, never both (Netty 4.2's recvmmsg path drops the GRO segment size and
 * would hand on coalesced reads unsplit): with {@code UDP_GRO} (epoll, unless switched off) each {@code recvmsg}
 * fills a {@value #GRO_READ_BYTES}-byte buffer with up to 64 datagrams of one flow, which Netty splits into
 * slices, each with its own sender; otherwise {@code recvmmsg} with {@value #DATAGRAMS_PER_READ} slots per read.
 * Sends are gathered into {@code sendmmsg} on flush, and into UDP GSO sends by {@link NettyOutbox}.
 * Buffers come from Netty's pooled allocator, whose slices are recycled per thread (no garbage per datagram).
 */
final class UdpSockets {

    private static final System.Logger LOG = System.getLogger(UdpSockets.class.getName());

    /** Socket buffers requested (wireguard-go uses 7 MiB); the FORCE variants pass net.core.rmem_max. */
    static final int SOCKET_BUFFER_BYTES = 7 << 20;
    /** Datagrams read per recvmmsg call. */
    static final int DATAGRAMS_PER_READ = 32;
    /** Receive slot size: enough for a peer on a 9000-byte jumbo-frame path. */
    static final int MAX_DATAGRAM_BYTES = 9216;
    /** Receive buffer with UDP_GRO: the largest coalesced read (a UDP payload is at most 65 507 bytes). */
    static final int GRO_READ_BYTES = 65536;
    /**
     * Datagrams handed on per read burst with UDP_GRO (Netty counts each split datagram as a message): about eight
     * full coalesced reads, flushed to the TUN together.
     */
    static final int GRO_DATAGRAMS_PER_READ_BURST = 512;
    /**
     * The handshake socket's receive buffer: a few thousand handshake datagrams (each costs a kernel buffer of about
     * a kilobyte), so a burst of legitimate handshakes fits and a flood overflows here, not in the data socket.
     */
    static final int HANDSHAKE_SOCKET_BUFFER_BYTES = 2 << 20;
    /** Datagrams read from the handshake socket per read burst: the rest wait for the next turn of the loop. */
    static final int HANDSHAKE_DATAGRAMS_PER_READ_BURST = 64;
    /** {@code UDP_GRO} read back with getsockopt (SOL_UDP = 17, UDP_GRO = 104): what the kernel really has. */
    static final IntegerUnixChannelOption UDP_GRO = new IntegerUnixChannelOption("UDP_GRO", 17, 104);

    static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);
    private static final IntegerUnixChannelOption SO_SNDBUFFORCE = new IntegerUnixChannelOption("SO_SNDBUFFORCE", 1, 32);

    private UdpSockets() {
    }

    /**
     * Opens a socket bound to {@code port} (0 = any free port) on all addresses, IPv6 and IPv4, joining a reuseport
     * group when {@code reusePort} (then {@link #openHandshakeSocket} can add the handshake socket). Must run on
     * {@code loop}.
     *
     * @throws BindException when the port is taken; nothing is left open
     */
    static DatagramChannel open(TransportKind transport, EventLoop loop, EngineDriver driver, int port, long mark,
                                boolean gro, boolean reusePort) throws BindException {
        driver.requireLoop("open the UDP socket");
        int bindPort = reusePort ? claim(port) : port;
        DatagramChannel channel = newSocket(transport, driver, mark, gro, reusePort);
        bind(loop, channel, bindPort);
        forceBuffers(channel, SOCKET_BUFFER_BYTES);
        return channel;
    }

    /**
     * Steers every datagram that is not transport data from {@code data} (open, bound with {@code reusePort}) to a
     * second socket on its port: attaches {@link HandshakeSteering}'s program, then binds the handshake socket, with
     * a {@value #HANDSHAKE_SOCKET_BUFFER_BYTES}-byte receive buffer (a flood is dropped there, by the kernel),
     * {@code recvmmsg} reads of {@value #DATAGRAMS_PER_READ} datagrams, {@value #HANDSHAKE_DATAGRAMS_PER_READ_BURST}
     * datagrams per read burst and at most {@link HandshakeReadBudget}'s a second. Epoll only; on the loop.
     *
     * @return the handshake socket, or null (logged) when the kernel refuses: then {@code data} gets everything
     */
    static DatagramChannel openHandshakeSocket(EventLoop loop, EngineDriver driver, DatagramChannel data, long mark,
                                               boolean gro) {
        driver.requireLoop("open the UDP socket");
        if (!(data instanceof EpollDatagramChannel epoll)) {
            return null;
        }
        int port = data.localAddress().getPort();
        DatagramChannel channel = null;
        try {
            HandshakeSteering.attach(epoll.fd().intValue());
            channel = newSocket(TransportKind.EPOLL, driver, mark, gro, true);
            channel.pipeline().addFirst("budget", new HandshakeReadBudget(driver::nowNanos));
            channel.config().setOption(ChannelOption.SO_RCVBUF, HANDSHAKE_SOCKET_BUFFER_BYTES);
            // recvmmsg, also with UDP_GRO on: handshake messages are single datagrams from many sources, which GRO
            // never coalesces, so one system call reads a batch of them. (UDP_GRO stays on because the kernel's GRO
            // lookup picks a socket of the group by hash alone: turned off here, it would stop coalescing a data
            // flow whose hash lands on this socket.)
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES);
            channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES * DATAGRAMS_PER_READ)
                            .maxMessagesPerRead(HANDSHAKE_DATAGRAMS_PER_READ_BURST));
            bind(loop, channel, port);
            forceBuffers(channel, HANDSHAKE_SOCKET_BUFFER_BYTES);
            return channel;
        } catch (BindException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            LOG.log(Level.WARNING, "no separate handshake socket on UDP port {0} ({1}): handshake messages share the"
                    + " data socket's queue", port, e.getMessage());
            return null;
        }
    }

    /**
     * Checks that {@code port} is free, the way a socket without {@code SO_REUSEPORT} would find it, and picks a free
     * one for 0: a plain socket is bound to it and closed again. Without this check a second gateway on the same port
     * (same user, also with {@code SO_REUSEPORT}) would join this one's group and take part of its traffic, where a
     * port conflict must fail the start.
     *
     * @return the port to bind with {@code SO_REUSEPORT}
     * @throws BindException when the port is taken
     */
    static int claim(int port) throws BindException {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(port));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        } catch (BindException e) {
            BindException failure = new BindException(cannotListen(port, e.getMessage()));
            failure.initCause(e);
            throw failure;
        } catch (java.io.IOException e) {
            BindException failure = new BindException("cannot check UDP port " + port + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    private static String cannotListen(int port, String why) {
        return "cannot listen on UDP port " + port + ": " + why
                + " (another WireGuard interface or program uses it; pick another ListenPort)";
    }

    /** A new, unregistered socket with its options and the handshake / decrypt / route pipeline. */
    private static DatagramChannel newSocket(TransportKind transport, EngineDriver driver, long mark, boolean gro,
                                             boolean reusePort) {
        DatagramChannel channel = transport.datagramChannelFactory().get();
        configure(channel, transport, gro);
        if (reusePort) {
            channel.config().setOption(UnixChannelOption.SO_REUSEPORT, true);
        }
        if (mark != 0) {
            channel.config().setOption(SO_MARK, (int) mark);
        }
        channel.pipeline().addLast("flush", new BatchFlusher(driver));
        channel.pipeline().addLast("handshake", new HandshakeHandler(driver));
        channel.pipeline().addLast("decrypt", new DecryptHandler(driver));
        channel.pipeline().addLast("route", new RouteHandler(driver));
        channel.pipeline().addLast("errors", new UdpErrorHandler(driver));
        return channel;
    }

    /** Registers and binds {@code channel} on {@code loop} (its own loop: both complete at once). */
    private static void bind(EventLoop loop, DatagramChannel channel, int port) throws BindException {
        ChannelFuture registered = loop.register(channel);
        ChannelFuture bound = registered.isSuccess() ? channel.bind(new InetSocketAddress(port)) : registered;
        if (!bound.isDone() || !bound.isSuccess()) {
            channel.close();
            Throwable cause = bound.isDone() ? bound.cause() : null;
            BindException failure = new BindException(cannotListen(port,
                    cause == null ? "bind did not complete" : cause.getMessage()));
            if (cause != null) {
                failure.initCause(cause);
            }
            throw failure;
        }
    }

    /**
     * Buffers, batching and the allocator of a new, unregistered socket: UDP_GRO with one
     * {@value #GRO_READ_BYTES}-byte {@code recvmsg} buffer when {@code gro} is asked for and the kernel has it (epoll
     * only), {@code recvmmsg} otherwise.
     *
     * @return whether UDP_GRO is on
     */
    static boolean configure(DatagramChannel channel, TransportKind transport, boolean gro) {
        channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 8 << 20));
        channel.config().setOption(ChannelOption.MAX_MESSAGES_PER_WRITE, 64);
        if (gro && transport == TransportKind.EPOLL && enableGro(channel)) {
            channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(GRO_READ_BYTES).maxMessagesPerRead(GRO_DATAGRAMS_PER_READ_BURST));
            return true;
        }
        channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES * DATAGRAMS_PER_READ));
        if (transport == TransportKind.EPOLL) {
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES);
        } else {
            channel.config().setOption(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES);
        }
        return false;
    }

    /** Sets UDP_GRO and reads it back; false (logged once per socket) when the kernel does not have it. */
    private static boolean enableGro(DatagramChannel channel) {
        try {
            channel.config().setOption(EpollChannelOption.UDP_GRO, true);
            Integer actual = channel.config().getOption(UDP_GRO);
            if (actual != null && actual != 0) {
                return true;
            }
            LOG.log(Level.INFO, "UDP_GRO did not take on the socket; receiving with recvmmsg instead");
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "UDP_GRO is not available ({0}); receiving with recvmmsg instead", e.getMessage());
        }
        return false;
    }

    /** Whether the socket coalesces reads (UDP_GRO took). */
    static boolean groEnabled(DatagramChannel channel) {
        return channel instanceof EpollDatagramChannel epoll && epoll.config().isUdpGro();
    }

    /** Whether this transport can send {@code SegmentedDatagramPacket}s here (UDP_SEGMENT and sendmmsg). */
    static boolean gsoSupported(TransportKind transport) {
        return transport == TransportKind.EPOLL ? EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                : IoUringDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /** Best effort: with CAP_NET_ADMIN the FORCE variants exceed net.core.rmem_max/wmem_max. */
    private static void forceBuffers(DatagramChannel channel, int receiveBytes) {
        try {
            channel.config().setOption(SO_RCVBUFFORCE, receiveBytes);
            channel.config().setOption(SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not force socket buffer sizes: {0}", e.getMessage());
        }
    }
}
