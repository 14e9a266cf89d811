package io.wgate.server.uapi;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The UAPI socket of one interface, {@code /var/run/wireguard/<ifname>.sock} (https://www.wireguard.com/xplatform/),
 * served on a thread of its own ({@code wgate-<ifname>-uapi-0}): reading, framing and parsing requests never take the
 * engine's loop. Complete requests run on the engine's loop (its owner thread)
 * through a {@link RequestRunner}, one at a time and in slices, so that even a {@code set} of fifty thousand peers
 * leaves the data path free between slices of about 2 ms.
 *
 * <p>Life cycle: {@link #start} (from any thread but that loop) creates the directory if needed,
 * removes a stale socket left by a dead process, refuses when a live process owns the name, binds, and
 * returns once the socket accepts connections (so a launcher may return to {@code wg-quick} then).
 * {@link #close()} stops serving and deletes the socket file if it is still ours. wireguard-go exits
 * when its socket file is deleted; {@link #socketFileExists()} and {@link #watchSocketFile} let the
 * gateway do the same.
 *
 * <p>Limits ({@link UapiLimits}): lines of at most {@value #MAX_LINE_BYTES} bytes and requests of at most
 * {@link UapiLimits#maxRequestBytes} (default {@value #DEFAULT_MAX_REQUEST_BYTES} bytes, room for a {@code wg setconf}
 * of some fifty thousand peers), beyond which the client gets {@code errno=-5}; all unfinished requests together
 * within {@link UapiLimits#maxPendingBytes} ({@code errno=-12}); at most {@link UapiLimits#maxConnections} connections
 * ({@code errno=-16} to the next one, logged at most every {@value #REFUSAL_LOG_INTERVAL_SECONDS} s); a connection
 * silent for {@link UapiLimits#idleTimeout} is closed ({@code errno=-110} when it was in the middle of a request).
 * Each time the client is disconnected and the gateway logs which limit it met, never the request's content.
 */
public final class UapiServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(UapiServer.class.getName());
    static final long REFUSAL_LOG_INTERVAL_SECONDS = 10;

    /** Longest accepted line; real lines are under 120 bytes. */
    public static final int MAX_LINE_BYTES = 4096;
    /** Default bound on one request (16 MiB). */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;

    private final String interfaceName;
    private final Path socketPath;
    private final EventLoop loop;
    private final MultiThreadIoEventLoopGroup uapiGroup;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final Object fileKey;
    /** Set by {@link #close()}; a connection accepted afterwards is closed at once. */
    private final AtomicBoolean closed;
    private final RequestRunner runner;
    private ScheduledFuture<?> watch;

    private UapiServer(String interfaceName, Path socketPath, EventLoop loop, MultiThreadIoEventLoopGroup uapiGroup,
                       Channel serverChannel, ChannelGroup connections, Object fileKey, AtomicBoolean closed,
                       RequestRunner runner) {
        this.runner = runner;
        this.interfaceName = interfaceName;
        this.socketPath = socketPath;
        this.loop = loop;
        this.uapiGroup = uapiGroup;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.fileKey = fileKey;
        this.closed = closed;
    }

    /**
     * {@link #start(Path, String, UapiDevice, EventLoop, long)} in {@code /var/run/wireguard} (where
     * {@code wg} looks) with the default request limit.
     */
    public static UapiServer start(String interfaceName, UapiDevice device, EventLoop engineLoop) throws IOException {
        return start(UapiSocketFile.DEFAULT_DIRECTORY, interfaceName, device, engineLoop, DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * Starts serving {@code <directory>/<interfaceName>.sock}; returns once it accepts connections.
     *
     * @param directory       the socket directory ({@code wg} only looks in {@code /var/run/wireguard})
     * @param interfaceName   a valid Linux interface name (1..15 bytes)
     * @param device          what requests read and change
     * @param engineLoop      the engine's event loop; requests run there, in slices
     * @param maxRequestBytes bound on one request's size
     * @throws java.nio.file.FileAlreadyExistsException when another live process serves this interface
     *     ("interface NAME is already in use by another process") or the name is taken by a non-socket
     * @throws IOException when the directory or socket cannot be created or bound
     * @throws IllegalStateException when called on {@code engineLoop} itself (it must wait for the bind)
     */
    public static UapiServer start(Path directory, String interfaceName, UapiDevice device, EventLoop engineLoop,
                                   long maxRequestBytes) throws IOException {
        return start(directory, interfaceName, device, engineLoop,
                UapiLimits.DEFAULTS.withMaxRequestBytes(maxRequestBytes));
    }

    /** As {@link #start(Path, String, UapiDevice, EventLoop, long)}, with every limit given. */
    public static UapiServer start(Path directory, String interfaceName, UapiDevice device, EventLoop engineLoop,
                                   UapiLimits limits) throws IOException {
        Objects.requireNonNull(device, "device");
        if (engineLoop.inEventLoop()) {
            throw new IllegalStateException("UapiServer.start must not run on the engine's event loop");
        }
        Path socketPath = UapiSocketFile.pathFor(directory, interfaceName);
        UapiSocketFile.ensureDirectory(directory);
        UapiSocketFile.clearStale(socketPath, interfaceName);

        RequestRunner runner = new RequestRunner(interfaceName, device, new SetOperation(), engineLoop);
        ThreadFactory uapiThread = task -> new FastThreadLocalThread(task, "wgate-" + interfaceName + "-uapi-0");
        MultiThreadIoEventLoopGroup uapiGroup = new MultiThreadIoEventLoopGroup(1, uapiThread,
                EpollIoHandler.newFactory());
        EventLoop uapiLoop = uapiGroup.next();
        PendingRequests pending = new PendingRequests(limits.maxPendingBytes()); // owner: uapiLoop
        ConnectionRefusals refusals = new ConnectionRefusals(); // owner: uapiLoop
        ChannelGroup connections = new DefaultChannelGroup("uapi-" + interfaceName, uapiLoop);
        AtomicBoolean closed = new AtomicBoolean();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(uapiLoop, uapiLoop)
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (connections.size() >= limits.maxConnections() && !closed.get()) {
                            refusals.refuse(channel, interfaceName, limits.maxConnections());
                            return;
                        }
                        connections.add(channel);
                        if (closed.get()) {
                            channel.close();
                            return;
                        }
                        channel.pipeline().addLast(
                                new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                new UapiLineDecoder(MAX_LINE_BYTES),
                                new UapiHandler(interfaceName, runner, limits, pending));
                    }
                });

        Path staging = UapiSocketFile.createStagingDirectory(directory, interfaceName);
        Path bound = staging.resolve("s");
        Channel serverChannel = null;
        try {
            serverChannel = bind(bootstrap, bound, socketPath);
            Object fileKey = UapiSocketFile.publish(bound, socketPath, interfaceName);
            LOG.log(Level.INFO, "{0}: UAPI listening on {1}", interfaceName, socketPath);
            return new UapiServer(interfaceName, socketPath, engineLoop, uapiGroup, serverChannel, connections, fileKey,
                    closed, runner);
        } catch (IOException | RuntimeException e) {
            if (serverChannel != null) {
                serverChannel.close().awaitUninterruptibly();
            }
            uapiGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(staging);
        }
    }

    /**
     * Applies a {@code set} the gateway makes itself (a reload) in turn with the connections' requests, so that it
     * never interleaves with one, all-or-nothing ({@link SetOperation}). The request's keys are wiped once it ran.
     * Any thread.
     *
     * @return completes with what changed, or exceptionally with the {@link UapiException} that refused it (then
     *     nothing changed)
     */
    public CompletableFuture<SetSummary> apply(UapiRequest.Set request) {
        return runner.apply(request);
    }

    /** {@code /var/run/wireguard}, where {@code wg} looks for sockets. */
    public static final Path DEFAULT_DIRECTORY = UapiSocketFile.DEFAULT_DIRECTORY;

    /**
     * Deletes {@code <directory>/<interfaceName>.sock} if it is a socket nobody listens on any more (left
     * by a process that died); a live socket, or a file of another type, stays.
     *
     * @return whether a stale socket was deleted
     */
    public static boolean removeStaleSocket(Path directory, String interfaceName) {
        Path socket = UapiSocketFile.pathFor(directory, interfaceName);
        if (!UapiSocketFile.isSocket(socket)) {
            return false;
        }
        try {
            UapiSocketFile.clearStale(socket, interfaceName);
            return !Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }

    private static Channel bind(ServerBootstrap bootstrap, Path bound, Path socketPath) throws IOException {
        ChannelFuture future = bootstrap.bind(new DomainSocketAddress(bound.toString()));
        try {
            future.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.channel().close();
            throw new InterruptedIOException("interrupted while binding " + socketPath);
        }
        if (!future.isSuccess()) {
            throw new IOException("cannot bind UAPI socket " + socketPath + ": " + future.cause().getMessage(),
                    future.cause());
        }
        return future.channel();
    }

    /** The interface this socket serves. */
    public String interfaceName() {
        return interfaceName;
    }

    /** {@code <directory>/<ifname>.sock}. */
    public Path socketPath() {
        return socketPath;
    }

    /**
     * Whether our socket file is still in place (the same file, not one another process created since).
     * When it is gone, {@code wg} can no longer reach us; wireguard-go shuts down then. Any thread.
     */
    public boolean socketFileExists() {
        return fileKey.equals(UapiSocketFile.fileKey(socketPath));
    }

    /**
     * Checks every {@code period}, on the engine's loop, that the socket file still exists, and runs
     * {@code onDeleted} there once when it does not (wireguard-go exits then). Replaces an earlier watch.
     * {@code onDeleted} runs on the engine's loop: it must not block (hand a shutdown that waits for the
     * loop to another thread).
     */
    public void watchSocketFile(Duration period, Runnable onDeleted) {
        Objects.requireNonNull(onDeleted, "onDeleted");
        long periodNanos = period.toNanos();
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        loop.execute(() -> {
            if (watch != null) {
                watch.cancel(false);
            }
            if (closed.get()) {
                return;
            }
            List<ScheduledFuture<?>> self = new ArrayList<>(1);
            self.add(loop.scheduleAtFixedRate(() -> {
                if (!closed.get() && !socketFileExists()) {
                    self.getFirst().cancel(false);
                    LOG.log(Level.WARNING, "{0}: UAPI socket {1} was deleted", interfaceName, socketPath);
                    onDeleted.run();
                }
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
            watch = self.getFirst();
        });
    }

    /**
     * Stops serving: deletes the socket file (if it is still ours), closes the listening socket and every
     * open connection. Idempotent. From another thread it waits for the channels to close; on the engine's
     * loop it does not wait.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        UapiSocketFile.deleteIfOurs(socketPath, fileKey);
        ChannelFuture serverClosed = serverChannel.close();
        ChannelGroupFuture connectionsClosed = connections.close();
        if (loop.inEventLoop()) {
            cancelWatch();
        } else {
            try {
                loop.execute(this::cancelWatch);
            } catch (RejectedExecutionException e) {
                // the loop is shutting down: its scheduled tasks die with it
            }
            serverClosed.awaitUninterruptibly();
            connectionsClosed.awaitUninterruptibly();
        }
        uapiGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS); // not awaited: this may be the engine's loop
        LOG.log(Level.INFO, "{0}: UAPI socket closed", interfaceName);
    }

    private void cancelWatch() {
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }
}
