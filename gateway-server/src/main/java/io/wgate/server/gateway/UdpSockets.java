package io.wgate.server.gateway;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Opens the gateway's UDP socket on the engine's event loop: options for batching (recvmmsg with
 * {@value #DATAGRAMS_PER_READ} slots per read, sendmmsg on flush), large socket buffers, the optional
 * fwmark, and the handshake / decrypt / route pipeline. Registering and binding happen synchronously
 * because they run on the channel's own loop, so the socket can be replaced from a UAPI request.
 */
final class UdpSockets {

    private static final System.Logger LOG = System.getLogger(UdpSockets.class.getName());

    /** Socket buffers requested (wireguard-go uses 7 MiB); the FORCE variants pass net.core.rmem_max. */
    static final int SOCKET_BUFFER_BYTES = 7 << 20;
    /** Datagrams read per recvmmsg call. */
    static final int DATAGRAMS_PER_READ = 32;
    /** Receive slot size: enough for a peer on a 9000-byte jumbo-frame path. */
    static final int MAX_DATAGRAM_BYTES = 9216;

    static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);
    private static final IntegerUnixChannelOption SO_SNDBUFFORCE = new IntegerUnixChannelOption("SO_SNDBUFFORCE", 1, 32);

    private UdpSockets() {
    }

    /**
     * Opens a socket bound to {@code port} (0 = any free port) on all addresses, IPv6 and IPv4. Must run
     * on {@code loop}.
     *
     * @throws BindException when the port is taken; nothing is left open
     */
    static DatagramChannel open(TransportKind transport, EventLoop loop, EngineDriver driver, int port, long mark)
            throws BindException {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("open the UDP socket on the engine's event loop");
        }
        DatagramChannel channel = transport.datagramChannelFactory().get();
        channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 8 << 20));
        channel.config().setOption(ChannelOption.MAX_MESSAGES_PER_WRITE, 64);
        channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES * DATAGRAMS_PER_READ));
        if (transport == TransportKind.EPOLL) {
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES);
        } else {
            channel.config().setOption(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES);
        }
        if (mark != 0) {
            channel.config().setOption(SO_MARK, (int) mark);
        }
        channel.pipeline().addLast("handshake", new HandshakeHandler(driver));
        channel.pipeline().addLast("decrypt", new DecryptHandler(driver));
        channel.pipeline().addLast("route", new RouteHandler(driver));
        channel.pipeline().addLast("errors", new UdpErrorHandler(driver));

        ChannelFuture registered = loop.register(channel);
        ChannelFuture bound = registered.isSuccess() ? channel.bind(new InetSocketAddress(port)) : registered;
        if (!bound.isDone() || !bound.isSuccess()) {
            channel.close();
            Throwable cause = bound.isDone() ? bound.cause() : null;
            BindException failure = new BindException("cannot listen on UDP port " + port + ": "
                    + (cause == null ? "bind did not complete" : cause.getMessage())
                    + " (another WireGuard interface or program uses it; pick another ListenPort)");
            if (cause != null) {
                failure.initCause(cause);
            }
            throw failure;
        }
        forceBuffers(channel);
        return channel;
    }

    /** Best effort: with CAP_NET_ADMIN the FORCE variants exceed net.core.rmem_max/wmem_max. */
    private static void forceBuffers(DatagramChannel channel) {
        try {
            channel.config().setOption(SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES);
            channel.config().setOption(SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not force socket buffer sizes: {0}", e.getMessage());
        }
    }
}
