package io.wgate.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP endpoint: {@code /metrics}, {@code /healthz} and {@code /readyz} ({@link MetricsHttpHandler}) on the
 * address it was given and nowhere else, served by one Netty event loop of its own (NIO: nothing here is
 * performance-critical, and the gateway's packet loop never runs it). Requests are bounded (initial line
 * {@value #MAX_INITIAL_LINE} bytes, headers {@value #MAX_HEADERS} bytes, no body), a connection idle for
 * {@link #IDLE_TIMEOUT} is closed and at most {@value #MAX_CONNECTIONS} are open at once (more are closed at once).
 */
public final class MetricsServer implements AutoCloseable {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_CONNECTIONS = 64;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(MetricsServer.class.getName());

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup connections;
    private final GatewayMetrics metrics;

    private MetricsServer(EventLoopGroup group, Channel server, ChannelGroup connections, GatewayMetrics metrics) {
        this.group = group;
        this.server = server;
        this.connections = connections;
        this.metrics = metrics;
    }

    /**
     * Listens on {@code address} and serves {@code metrics}, which the server closes with itself.
     *
     * @throws IOException naming the address when it cannot listen there (in use, not local)
     */
    public static MetricsServer start(InetSocketAddress address, GatewayMetrics metrics) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("wgate-metrics", true), NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("metrics connections", group.next());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            if (connections.size() >= MAX_CONNECTIONS) {
                                channel.close();
                                return;
                            }
                            connections.add(channel);
                            channel.pipeline()
                                    .addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                                    .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                                    .addLast(new MetricsHttpHandler(metrics));
                        }
                    })
                    .bind(address).sync().channel();
            MetricsServer started = new MetricsServer(group, server, connections, metrics);
            LOG.log(Level.INFO, "{0}: metrics on http://{1}/metrics (also /healthz, /readyz)",
                    metrics.source().interfaceName(), describe(started.localAddress()));
            return started;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            IOException failure = e instanceof BindException ? new BindException("cannot listen for metrics on "
                    + describe(address) + ": " + why) : new IOException("cannot listen for metrics on "
                    + describe(address) + ": " + why);
            failure.initCause(e);
            throw failure;
        }
    }

    /** {@code 127.0.0.1:9586}, {@code [::1]:9586}. */
    static String describe(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The address and port actually bound. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        metrics.close();
    }
}
