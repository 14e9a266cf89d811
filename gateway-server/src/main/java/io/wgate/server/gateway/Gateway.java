package io.wgate.server.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.wgate.core.DropReason;
import io.wgate.core.Engine;
import io.wgate.core.EngineConfig;
import io.wgate.core.Protocol;
import io.wgate.core.WallClock;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.net.AppliedLink;
import io.wgate.server.net.LinkPlan;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.uapi.UapiServer;
import io.wgate.tun.TunChannel;
import io.wgate.tun.TunDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One running wgate interface: the {@link Engine} on a Netty event loop, a TUN device, a UDP socket and
 * the host network setup of wg-quick. {@link #start} brings everything up or, on any failure, undoes
 * what it did and throws; {@link #close} tears everything down again. The gateway also stops by
 * itself when its TUN device disappears ({@code ip link del}).
 *
 * <p>Threads: one event loop owns the engine, the UDP socket and (with epoll) the TUN device. With
 * io_uring the TUN device stays on its own epoll loop and hands packets to the engine's loop.
 */
public final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final String name;
    private final GatewayOptions options;
    private final Deque<AutoCloseable> teardown = new ArrayDeque<>();
    private final CompletableFuture<String> terminated = new CompletableFuture<>();
    private MultiThreadIoEventLoopGroup udpGroup;
    private MultiThreadIoEventLoopGroup tunGroup;
    private EventLoop loop;
    private Engine engine;
    private ChaCha20Poly1305 aead;
    private EngineDriver driver;
    private TunChannel tun;
    private volatile DatagramChannel udp;
    private int listenPort;
    private long fwMark;
    private int mtu;
    private volatile boolean closing;

    private Gateway(String name, GatewayOptions options) {
        this.name = name;
        this.options = options;
    }

    /**
     * Brings up the interface described by {@code config}.
     *
     * @throws GatewayException naming what failed; nothing is left behind
     */
    public static Gateway start(WgQuickConfig config, GatewayOptions options) throws GatewayException {
        Gateway gateway = new Gateway(config.interfaceName(), options);
        try {
            gateway.bringUp(config);
            return gateway;
        } catch (Exception e) {
            gateway.closeQuietly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof GatewayException g ? g : new GatewayException(config.interfaceName() + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private void bringUp(WgQuickConfig config) throws Exception {
        options.transport().ensureAvailable();
        HostLinks.requireAbsent(name);
        List<InetSocketAddress> endpoints = resolveEndpoints(config);

        aead = AeadImplementation.select(options.aead()).newInstance();
        teardown.push(aead);
        WallClock wallClock = () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
        engine = new Engine(new EngineConfig(PooledByteBufAllocator.DEFAULT, aead, new SystemEntropy(), wallClock,
                Protocol.DEFAULT_MTU, 16, Protocol.MAX_QUEUED_INCOMING_HANDSHAKES));
        configureEngine(config, endpoints);

        udpGroup = options.transport().newGroup(1, new DefaultThreadFactory("wgate-" + name));
        teardown.push(() -> udpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        loop = udpGroup.next();
        if (options.transport() == TransportKind.EPOLL) {
            tunGroup = udpGroup;
        } else {
            tunGroup = TransportKind.EPOLL.newGroup(1, new DefaultThreadFactory("wgate-" + name + "-tun"));
            teardown.push(() -> tunGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        }
        teardown.push(() -> onLoop(() -> {
            if (driver != null) {
                driver.stop();
            }
            logDrops();
            engine.close();
            return null;
        }));

        TunDevice device = TunDevice.open(name);
        tun = new TunChannel(device);
        teardown.push(() -> tun.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        driver = new EngineDriver(engine, loop);
        if (options.transport() == TransportKind.EPOLL) {
            tun.pipeline().addLast("encrypt", new EncryptHandler(driver));
        } else {
            tun.pipeline().addLast(loop, "encrypt", new EncryptHandler(driver));
        }
        tunGroup.next().register(tun).sync();

        fwMark = config.iface().fwMark();
        int port = config.iface().listenPort();
        udp = onLoop(() -> UdpSockets.open(options.transport(), loop, driver, port, fwMark));
        teardown.push(() -> udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        listenPort = udp.localAddress().getPort();
        driver.attach(new NettyOutbox(udp, tun));

        UapiServer uapi = UapiServer.start(name, new GatewayDevice(this), loop);
        teardown.push(uapi);
        uapi.watchSocketFile(Duration.ofSeconds(1), () -> {
            if (!closing) {
                LOG.log(Level.WARNING, "{0}: the UAPI socket {1} was deleted; shutting down", name, uapi.socketPath());
                terminated.complete("UAPI socket deleted");
            }
        });

        LinkSetup linkSetup = LinkSetup.system();
        List<InetAddress> endpointAddresses = new ArrayList<>();
        for (InetSocketAddress endpoint : endpoints) {
            if (endpoint != null) {
                endpointAddresses.add(endpoint.getAddress());
            }
        }
        LinkPlan plan = LinkPlan.of(config, endpointAddresses);
        if (plan.needsPolicyRouting() && fwMark == 0) {
            fwMark = linkSetup.chooseFwMark(plan);
            setFwMark(fwMark);
            plan = plan.withFwMark(fwMark);
        }
        AppliedLink link = linkSetup.up(plan);
        teardown.push(() -> linkSetup.down(name));
        mtu = link.mtu();
        onLoop(() -> {
            engine.setMtu(mtu);
            tun.config().setMtu(Math.max(mtu, 576));
            driver.tick(); // persistent keepalives configured at start go out now
            return null;
        });

        tun.closeFuture().addListener(f -> {
            if (!closing) {
                LOG.log(Level.WARNING, "{0}: the TUN device is gone; shutting down", name);
                terminated.complete("TUN device removed");
            }
        });
        LOG.log(Level.INFO, "{0}: up, listening on UDP port {1,number,#} ({2}), MTU {3,number,#}, {4} peer(s), {5}",
                name, listenPort, options.transport().label(), mtu, engine.peers().size(), aead.name());
    }

    private List<InetSocketAddress> resolveEndpoints(WgQuickConfig config) throws Exception {
        EndpointResolver resolver = new EndpointResolver(options.endpointRetries());
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            resolved.add(peer.endpoint().isPresent() ? resolver.resolve(peer.endpoint().get()) : null);
        }
        return resolved;
    }

    private void configureEngine(WgQuickConfig config, List<InetSocketAddress> endpoints) {
        engine.setPrivateKey(config.iface().privateKey().bytes());
        for (int i = 0; i < config.peers().size(); i++) {
            PeerConfig peerConfig = config.peers().get(i);
            var peer = engine.addPeer(peerConfig.publicKey().bytes());
            peerConfig.presharedKey().ifPresent(psk -> peer.handshake().setPresharedKey(psk.bytes()));
            if (endpoints.get(i) != null) {
                peer.setEndpoint(endpoints.get(i));
            }
            peerConfig.allowedIps().forEach(prefix -> engine.addAllowedIp(peer, prefix));
            engine.setPersistentKeepalive(peer, peerConfig.persistentKeepaliveSeconds());
        }
    }

    // ================================================================ runtime control (any thread)

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The UDP port actually bound. */
    public int listenPort() {
        return listenPort;
    }

    /** The fwmark set on the UDP socket, 0 for none. */
    public long fwMark() {
        return fwMark;
    }

    /** The tunnel MTU in use. */
    public int mtu() {
        return mtu;
    }

    /** The engine; touch it only on {@link #eventLoop()}. */
    public Engine engine() {
        return engine;
    }

    /** The engine's owner thread. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Datagrams and packets dropped by the I/O layer because a device could not keep up. */
    public long backpressureDrops() {
        NettyOutbox outbox = driver == null ? null : driver.outbox();
        return outbox == null ? 0 : outbox.udpBackpressureDrops() + outbox.tunBackpressureDrops() + tun.droppedPackets();
    }

    /** Applies the SO_MARK of the live socket (0 clears it). */
    public void setFwMark(long mark) {
        udp.config().setOption(UdpSockets.SO_MARK, (int) mark);
        fwMark = mark;
    }

    /**
     * Moves the UDP socket to {@code port} (0 = any free port): the new socket is bound first, so on
     * failure the old one stays. Call on {@link #eventLoop()}.
     */
    public void rebind(int port) throws BindException {
        DatagramChannel replacement = UdpSockets.open(options.transport(), loop, driver, port, fwMark);
        DatagramChannel old = udp;
        driver.outbox().useUdp(replacement);
        udp = replacement;
        listenPort = replacement.localAddress().getPort();
        old.close();
        LOG.log(Level.INFO, "{0}: now listening on UDP port {1,number,#}", name, listenPort);
    }

    /** Runs a tick on the event loop (after configuration changes). Call from the event loop. */
    public void tickNow() {
        driver.tick();
    }

    /** Completes, with the reason, when the gateway stopped by itself (e.g. its TUN device vanished). */
    public CompletableFuture<String> terminated() {
        return terminated;
    }

    /** Runs {@code task} on the engine's loop and waits for it. */
    public <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        if (loop.inEventLoop()) {
            return task.call();
        }
        Future<T> future = loop.submit(task);
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    // ================================================================ shutdown

    /** One line summarising every packet discarded during this run, by reason (nothing when none were). */
    private void logDrops() {
        StringBuilder line = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long count = engine.drops().get(reason);
            if (count != 0) {
                line.append(' ').append(reason.label()).append('=').append(count);
            }
        }
        long backpressure = backpressureDrops();
        if (backpressure != 0) {
            line.append(" backpressure=").append(backpressure);
        }
        if (!line.isEmpty()) {
            LOG.log(Level.INFO, "{0}: packets dropped during this run:{1}", name, line);
        }
    }

    /** Tears everything down in reverse order: host network setup, sockets, TUN, engine, threads. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        LOG.log(Level.INFO, "{0}: shutting down", name);
        closeQuietly();
        terminated.complete("closed");
    }

    private void closeQuietly() {
        closing = true;
        while (!teardown.isEmpty()) {
            AutoCloseable step = teardown.pop();
            try {
                step.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "{0}: teardown step failed: {1}", name, describe(e));
            }
        }
    }

    /** Ensures an interface name is free before we create it. */
    static final class HostLinks {
        private HostLinks() {
        }

        static void requireAbsent(String name) throws IOException, GatewayException {
            if (java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", name))) {
                throw new GatewayException("interface " + name + " already exists; stop it with 'wgate down " + name
                        + "' or remove it with 'ip link del " + name + "'");
            }
        }
    }
}
