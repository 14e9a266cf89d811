package io.wgate.server.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.wgate.core.Engine;
import io.wgate.core.Protocol;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.core.peer.Peer;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.tun.TunChannel;
import io.wgate.tun.TunDevice;
import io.wgate.tun.TunOptions;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packet-moving part of a {@link Gateway}: the engine on its event loop, the TUN channel and the
 * UDP socket, wired through an {@link EngineDriver} and its {@link NettyOutbox}. Each {@code open}
 * step pushes its undo onto the gateway's {@link Teardown}, ordered so that the engine's timers stop
 * before the UDP socket and the TUN device close, and the engine closes (after logging its drops) once
 * both are gone.
 *
 * <p>Threads ({@code wgate-NAME-io-0} is the engine's loop, {@code wgate-NAME-crypto-K} the crypto workers,
 * {@code wgate-NAME-tun-0} the TUN loop with io_uring): the engine, the driver and the UDP socket belong to the engine's loop; so does the TUN
 * channel with epoll, while with io_uring it has an epoll loop of its own and its settings are changed
 * there. Methods named "on the loop" must be called there; the rest from the starting thread.
 */
final class DataPlane {

    private static final long LOOP_TASK_TIMEOUT_SECONDS = 30;
    /** Crypto jobs in flight at most (a few read bursts' worth); more for many workers (CryptoWorkers.capacityFor). */
    private static final int CRYPTO_RING_JOBS = 1024;
    /**
     * Initiations waiting for the handshake worker at most: twice the engine's under-load depth, so the engine asks
     * for cookies well before the worker's queue turns initiations away.
     */
    private static final int HANDSHAKE_JOBS = Protocol.MAX_QUEUED_INCOMING_HANDSHAKES / 4;
    /** {@code -Dwgate.udp.handshake-socket=false}: no handshake socket, every datagram on the one data socket. */
    static final String HANDSHAKE_SOCKET_PROPERTY = "wgate.udp.handshake-socket";
    /** How often the loop brings the handshake priority lane up to date with the peers' endpoints. */
    static final long PRIORITY_LANE_REFRESH_MILLIS = 1000;
    /** How often the loop checks whether a host-name endpoint is due for another lookup. */
    static final long RERESOLVE_POLL_SECONDS = 2;
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final String name;
    private final GatewayOptions options;
    private final Teardown teardown;
    private volatile EventLoop loop;
    private volatile Engine engine;
    private volatile String aeadName;
    private volatile EngineDriver driver;
    private volatile EndpointRefresher refresher;
    private volatile TunChannel tun;
    private volatile DatagramChannel udp;
    /** The handshake socket on the same port ({@link HandshakeSteering}), or null (io_uring, or refused). */
    private volatile DatagramChannel handshakeUdp;
    /** Our peers' addresses past the handshake socket, to the data socket. On the loop. */
    private PriorityLane priorityLane;
    /** Kernel drops ({@link SocketDrops}) of the sockets already closed, so the counts never go back. On the loop. */
    private volatile long retiredDataSocketDrops;
    private volatile long retiredHandshakeSocketDrops;
    /** The driver's outbox, published for readers on other threads (the driver's own field is plain). */
    private volatile NettyOutbox outbox;
    private volatile int listenPort;
    private volatile int cryptoWorkers;
    private volatile long fwMark;

    DataPlane(String name, GatewayOptions options, Teardown teardown) {
        this.name = name;
        this.options = options;
        this.teardown = teardown;
    }

    /**
     * The AEAD, the engine with the configured peers, the engine's event loop (pinned to the first CPU of the list,
     * if there is one) and the crypto workers, if any.
     */
    void startEngine(WgQuickConfig config, List<InetSocketAddress> endpoints) throws Exception {
        AeadImplementation implementation = AeadImplementation.select(options.aead());
        ChaCha20Poly1305 aead = implementation.newInstance();
        teardown.push("release the AEAD", aead);
        aeadName = aead.name();
        engine = EngineSetup.newEngine(config, endpoints, aead);
        MultiThreadIoEventLoopGroup group = options.transport().newGroup(1, threads("wgate-" + name + "-io"));
        teardown.push("stop the event loop", () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        loop = group.next();
        driver = new EngineDriver(engine, loop);
        teardown.push("log the drops and close the engine", () -> onLoop(() -> {
            driver.stop();
            logDrops();
            engine.close();
            return null;
        }));
        CpuList cpus = options.cpus();
        if (cpus != null) {
            onLoop(() -> {
                CpuAffinity.pinCurrentThread(cpus.loopCpu());
                return null;
            });
        }
        int workerCount = options.effectiveCryptoWorkers(Runtime.getRuntime().availableProcessors());
        cryptoWorkers = workerCount;
        if (workerCount > 0) {
            onLoop(() -> {
                driver.useWorkers(new CryptoWorkers(workerCount,
                        CryptoWorkers.capacityFor(workerCount, CRYPTO_RING_JOBS), implementation::newInstance,
                        k -> "wgate-" + name + "-crypto-" + k, k -> cpus == null ? -1 : cpus.workerCpu(k), loop,
                        driver::completeCryptoJobs), aead);
                return null;
            });
        }
        onLoop(() -> {
            driver.useHandshakeWorker(new HandshakeWorker(HANDSHAKE_JOBS, implementation::newInstance,
                    "wgate-" + name + "-handshake-0", loop, driver::completeHandshakeJobs));
            return null;
        });
        startRefresher(config);
        LOG.log(Level.INFO, "{0}: {1}, handshakes on their own thread{2}", name,
                workerCount == 0 ? "sealing and opening on the event loop" : workerCount + " crypto workers",
                cpus == null ? "" : "; pinned: event loop to CPU " + cpus.loopCpu() + pinnedWorkers(cpus, workerCount));
    }

    /**
     * Host-name endpoints resolved again ({@link EndpointRefresher}): lookups on {@code wgate-NAME-resolver-0}, a
     * thread that exists only while lookups are queued (and 30 s after), and a check on the loop every
     * {@value #RERESOLVE_POLL_SECONDS} s.
     */
    private void startRefresher(WgQuickConfig config) throws Exception {
        ThreadPoolExecutor lookups = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "wgate-" + name + "-resolver-0");
                    thread.setDaemon(true); // a lookup stuck in getaddrinfo must not keep the process alive
                    return thread;
                });
        lookups.allowCoreThreadTimeOut(true);
        teardown.push("stop the endpoint lookups", lookups::shutdownNow);
        EndpointRefresher endpoints = new EndpointRefresher(name, EndpointRefresher.SYSTEM, lookups, loop,
                options.reresolveInterval().toNanos());
        refresher = endpoints;
        var poll = onLoop(() -> {
            long now = driver.nowNanos();
            for (PeerConfig peerConfig : config.peers()) {
                Peer peer = engine.peer(peerConfig.publicKey().bytes());
                if (peer != null && peerConfig.endpoint().isPresent()) {
                    endpoints.track(peer, peerConfig.endpoint().get(), peerConfig.name().orElse(null), now);
                }
            }
            return loop.scheduleWithFixedDelay(() -> endpoints.poll(driver.nowNanos()), RERESOLVE_POLL_SECONDS,
                    RERESOLVE_POLL_SECONDS, TimeUnit.SECONDS);
        });
        teardown.push("stop resolving endpoints again", () -> onLoop(() -> {
            poll.cancel(false);
            endpoints.close();
            return null;
        }));
    }

    private static String pinnedWorkers(CpuList cpus, int workerCount) {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < workerCount; k++) {
            line.append(k == 0 ? ", crypto workers to CPUs " : ",").append(cpus.workerCpu(k));
        }
        return line.toString();
    }

    /** Names the threads {@code prefix-0}, {@code prefix-1}, ... (Netty's fast thread-local threads). */
    static ThreadFactory threads(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return task -> new FastThreadLocalThread(task, prefix + "-" + next.getAndIncrement());
    }

    /** Opens the TUN device {@link #name} and registers its channel (with io_uring, on an epoll loop of its own). */
    void openTun() throws Exception {
        attachTun(() -> new TunChannel(TunDevice.open(name, tunOptions(options.offloads()))));
    }

    /**
     * Opens the TUN channel with {@code open} and registers it, its undo on the teardown: {@link #openTun()} with
     * the device, and the start rehearsal with a {@link io.wgate.tun.SeqPacketPair} in place of one.
     */
    void attachTun(Callable<TunChannel> open) throws Exception {
        EventLoop tunLoop = loop;
        if (options.transport() != TransportKind.EPOLL) {
            MultiThreadIoEventLoopGroup tunGroup = TransportKind.EPOLL.newGroup(1, threads("wgate-" + name + "-tun"));
            teardown.push("stop the TUN event loop",
                    () -> tunGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
            tunLoop = tunGroup.next();
        }
        Offloads offloads = options.offloads();
        TunChannel channel = open.call();
        tun = channel;
        teardown.push("close the TUN device", () -> channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT); // slices recycled per thread: no garbage
        // One UDP read burst (up to UdpSockets.GRO_DATAGRAMS_PER_READ_BURST datagrams) is written before the flush;
        // Netty's 64 KiB default high water mark would drop most of it as backpressure.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4 << 20, 8 << 20));
        Engine owner = engine;
        // Segments of a super-packet lie back to back with exactly the padding and tag the engine appends, so the
        // sealed datagrams are adjacent and leave as one UDP GSO send (GsoBatch).
        channel.config().setSegmentTailroom(length -> Transport.paddingLength(length, owner.mtu())
                + ChaCha20Poly1305.TAG_LENGTH);
        channel.setWriteCoalescing(offloads.tunGro());
        if (tunLoop == loop) {
            channel.pipeline().addLast("flush", new BatchFlusher(driver));
            channel.pipeline().addLast("encrypt", new EncryptHandler(driver));
        } else {
            channel.pipeline().addLast(loop, "flush", new BatchFlusher(driver));
            channel.pipeline().addLast(loop, "encrypt", new EncryptHandler(driver));
        }
        tunLoop.register(channel).sync();
    }

    /**
     * The TUN options: one queue; the virtio_net_hdr with checksum and TCP segmentation offloads unless {@code tun}
     * is off, and the UDP segmentation offloads on top unless {@code tun-uso} is off.
     */
    static TunOptions tunOptions(Offloads offloads) {
        return TunOptions.DEFAULT.withVnetHeader(offloads.tun())
                .withUdpSegmentation(offloads.tun() && offloads.tunUso());
    }

    /** Opens the UDP socket on {@code port} (0 = any) with {@code mark} (0 = none), outbox attached. */
    void openUdp(int port, long mark) throws Exception {
        fwMark = mark;
        udp = onLoop(() -> openAttachedUdp(port, mark));
        ScheduledFuture<?> laneRefresh = loop.scheduleAtFixedRate(() -> priorityLane.refresh(),
                PRIORITY_LANE_REFRESH_MILLIS, PRIORITY_LANE_REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        teardown.push("close the UDP sockets", () -> onLoop(() -> {
            DatagramChannel handshakeChannel = handshakeUdp;
            retireSocketDrops(udp, handshakeChannel);
            if (handshakeChannel != null) {
                handshakeChannel.close();
            }
            return udp.close();
        }).awaitUninterruptibly(5, TimeUnit.SECONDS));
        teardown.push("stop the engine's timers", () -> onLoop(() -> {
            laneRefresh.cancel(false);
            driver.stop();
            return null;
        }));
    }

    /**
     * Binds the socket and attaches the outbox in one event-loop task: the socket delivers its first
     * datagram only after this task, so the pipeline never meets a driver without an outbox. On the loop.
     */
    private DatagramChannel openAttachedUdp(int port, long mark) throws BindException {
        SocketPair sockets = openSockets(port, mark);
        DatagramChannel channel = sockets.data();
        DatagramChannel handshakeChannel = sockets.handshake();
        handshakeUdp = handshakeChannel;
        if (handshakeChannel != null) {
            LOG.log(Level.INFO, "{0}: handshake messages wait in a UDP socket of their own on port {1,number,#}"
                    + " (SO_REUSEPORT and a BPF program): a flood overflows there, not in the data socket", name,
                    channel.localAddress().getPort());
        }
        priorityLane = new PriorityLane(name, engine.knownEndpoints());
        priorityLane.use(channel, handshakeChannel != null);
        priorityLane.refresh();
        outbox = new NettyOutbox(channel, handshakeChannel, tun,
                options.offloads().udpGso() && UdpSockets.gsoSupported(options.transport()));
        driver.attach(outbox);
        listenPort = channel.localAddress().getPort();
        return channel;
    }

    /**
     * The link's MTU for the engine (padding) and the TUN channel (read buffers), each on its own loop,
     * then a first tick (persistent keepalives configured at start go out now).
     *
     * @return the number of peers, read on the loop
     */
    int applyMtuAndTick(int mtu) throws Exception {
        TunChannel channel = tun;
        callOn(channel.eventLoop(), () -> channel.config().setMtu(Math.max(mtu, 576)));
        return onLoop(() -> {
            engine.setMtu(mtu);
            driver.tick();
            return engine.peers().size();
        });
    }

    EventLoop loop() {
        return loop;
    }

    /** Re-resolves host-name endpoints; touch it on the loop only. */
    EndpointRefresher refresher() {
        return refresher;
    }

    /**
     * After a reload from {@code from} to {@code to}: host-name endpoints follow the changed {@code Endpoint} lines
     * ({@link EndpointRefresher#reconfigure}). Any thread (runs on the loop).
     */
    void reconfigureEndpoints(WgQuickConfig from, WgQuickConfig to) throws Exception {
        EndpointRefresher endpoints = refresher;
        onLoop(() -> {
            endpoints.reconfigure(from, to, key -> engine.peer(key.bytes()), driver.nowNanos());
            return null;
        });
    }

    Engine engine() {
        return engine;
    }

    String aeadName() {
        return aeadName;
    }

    TunChannel tun() {
        return tun;
    }

    int listenPort() {
        return listenPort;
    }

    /** Crypto worker threads (0: the event loop seals and opens). */
    int cryptoWorkers() {
        return cryptoWorkers;
    }

    /** The UDP socket, null before it is open; any thread. */
    DatagramChannel udp() {
        return udp;
    }

    /** The engine's outbox, null before the UDP socket is open; any thread (its counters are read opaquely). */
    NettyOutbox outbox() {
        return outbox;
    }

    long fwMark() {
        return fwMark;
    }

    /** Datagrams and packets dropped by the I/O layer because a device could not keep up; any thread. */
    long backpressureDrops() {
        NettyOutbox attached = outbox;
        TunChannel channel = tun;
        return (attached == null ? 0 : attached.udpBackpressureDrops() + attached.tunBackpressureDrops())
                + (channel == null ? 0 : channel.droppedPackets());
    }

    /**
     * The offloads in effect, e.g. {@code tun: tso uso tcp-coalescing udp-coalescing; udp: gso gro}; parts that are
     * off are left out. On the loop (epoll: the TUN channel's too).
     */
    String offloadSummary() {
        TunChannel channel = tun;
        String tunPart = channel == null ? "none" : channel.offloadSummary();
        StringBuilder udpPart = new StringBuilder();
        NettyOutbox attached = outbox;
        if (attached != null && attached.gso()) {
            udpPart.append("gso");
        }
        if (udp != null && UdpSockets.groEnabled(udp)) {
            udpPart.append(udpPart.isEmpty() ? "" : " ").append("gro");
        }
        return "tun: " + tunPart + "; udp: " + (udpPart.isEmpty() ? "none" : udpPart);
    }

    /** Sets SO_MARK on the live sockets (0 clears it). On the loop. */
    void setFwMark(long mark) {
        requireLoop();
        udp.config().setOption(UdpSockets.SO_MARK, (int) mark);
        if (handshakeUdp != null) {
            handshakeUdp.config().setOption(UdpSockets.SO_MARK, (int) mark);
        }
        fwMark = mark;
    }

    /** Moves to new sockets on {@code port}, bound before the old ones close. On the loop. */
    void rebind(int port) throws BindException {
        requireLoop();
        SocketPair sockets = openSockets(port, fwMark);
        DatagramChannel replacement = sockets.data();
        DatagramChannel handshakeReplacement = sockets.handshake();
        DatagramChannel old = udp;
        DatagramChannel oldHandshake = handshakeUdp;
        driver.outbox().useUdp(replacement, handshakeReplacement);
        retireSocketDrops(old, oldHandshake);
        udp = replacement;
        handshakeUdp = handshakeReplacement;
        priorityLane.use(replacement, handshakeReplacement != null);
        priorityLane.refresh();
        listenPort = replacement.localAddress().getPort();
        if (oldHandshake != null) {
            oldHandshake.close();
        }
        old.close();
    }

    /** The data socket and, with {@link #steering()}, the handshake socket in its group (else null). */
    private record SocketPair(DatagramChannel data, DatagramChannel handshake) {
    }

    /**
     * Binds the data socket on {@code port} and, when {@link #steering()}, the handshake socket beside it (null when
     * the kernel refuses it, logged). On the loop.
     */
    private SocketPair openSockets(int port, long mark) throws BindException {
        boolean steer = steering();
        DatagramChannel data = UdpSockets.open(options.transport(), loop, driver, port, mark,
                options.offloads().udpGro(), steer);
        DatagramChannel handshake = steer
                ? UdpSockets.openHandshakeSocket(loop, driver, data, mark, options.offloads().udpGro()) : null;
        return new SocketPair(data, handshake);
    }

    /** Adds the kernel drops of sockets about to close to the retired counts. On the loop. */
    private void retireSocketDrops(DatagramChannel data, DatagramChannel handshake) {
        retiredDataSocketDrops = retiredDataSocketDrops + SocketDrops.of(data);
        retiredHandshakeSocketDrops = retiredHandshakeSocketDrops + SocketDrops.of(handshake);
    }

    /**
     * Datagrams the kernel dropped at the data socket (its receive queue full) during this run; any thread (a scrape
     * during a listen-port change may count the old socket twice or not at all, once).
     */
    long dataSocketDrops() {
        return retiredDataSocketDrops + SocketDrops.of(udp);
    }

    /** Datagrams the kernel dropped at the handshake socket (a flood overflowing it) during this run; any thread. */
    long handshakeSocketDrops() {
        return retiredHandshakeSocketDrops + SocketDrops.of(handshakeUdp);
    }

    /**
     * Whether to open a handshake socket beside the data socket ({@link HandshakeSteering}): with epoll, unless the
     * JVM property {@value #HANDSHAKE_SOCKET_PROPERTY} is {@code false}.
     */
    private boolean steering() {
        return options.transport() == TransportKind.EPOLL
                && !"false".equals(System.getProperty(HANDSHAKE_SOCKET_PROPERTY));
    }

    /** A tick now. On the loop. */
    void tick() {
        driver.tick();
    }

    /** Runs {@code task} on the engine's loop and waits for it (runs it at once when already there). */
    <T> T onLoop(Callable<T> task) throws Exception {
        return callOn(loop, task);
    }

    private static <T> T callOn(EventExecutor executor, Callable<T> task) throws Exception {
        if (executor.inEventLoop()) {
            return task.call();
        }
        Future<T> future = executor.submit(task);
        try {
            return future.get(LOOP_TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void requireLoop() {
        driver.requireLoop("change the UDP socket");
    }

    /** One line summarising every packet discarded during this run (nothing when none were). On the loop. */
    private void logDrops() {
        String line = DropSummary.of(engine.drops(), outbox, tun)
                + DropSummary.socketDrops(dataSocketDrops(), handshakeSocketDrops());
        if (!line.isEmpty()) {
            LOG.log(Level.INFO, "{0}: packets dropped during this run:{1}", name, line);
        }
    }
}
