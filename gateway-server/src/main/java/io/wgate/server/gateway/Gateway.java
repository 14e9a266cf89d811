package io.wgate.server.gateway;

import io.netty.channel.EventLoop;
import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.Protocol;
import io.wgate.metrics.GatewaySource;
import io.wgate.server.Version;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.net.AppliedLink;
import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkPlan;
import io.wgate.server.net.LinkReload;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.GetOperation;
import io.wgate.server.uapi.UapiServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running wgate interface: the {@link Engine} on a Netty event loop, a TUN device, a UDP socket and
 * the host network setup of wg-quick. {@link #start} brings everything up or, on any failure, undoes
 * what it did and throws; {@link #close} tears everything down again, from any thread and at any time:
 * during start-up it stops the start ({@link StartGuard}) and waits for its rollback. The gateway also
 * stops by itself when its TUN device disappears ({@code ip link del}) or its UAPI socket is deleted.
 * {@link #createUserspace} makes one that leaves the host network (and the link) to wg-quick.
 *
 * <p>Start-up order: undo what a dead earlier run left on the host (before the new TUN exists, so its
 * undo and hooks never touch the new link); resolve endpoints (host names are looked up again later, by
 * {@link EndpointRefresher}); engine; TUN; UDP socket with the outbox attached in the same event-loop
 * task that binds it; UAPI socket; host network setup. Teardown runs
 * in reverse ({@link Teardown}), bracketing the removal of the link like wg-quick: PreDown hooks and
 * undo, UAPI socket, engine timers, UDP socket, TUN (the link goes), PostDown hooks, engine, threads.
 *
 * <p>{@link #reload} applies a new reading of the configuration file to the running gateway: the host part through
 * {@link LinkReload}, the engine part as one {@code set} through the UAPI's request queue ({@link ReloadPlan}).
 *
 * <p>Threads: one event loop owns the engine, the UDP socket and (with epoll) the TUN device. With
 * io_uring the TUN device stays on its own epoll loop and hands packets to the engine's loop; its
 * channel settings are changed on that loop.
 */
public final class Gateway implements AutoCloseable {

    /** How long {@link #close} waits for an interrupted start-up to roll back before it tears down anyway. */
    static final Duration START_ABORT_TIMEOUT = Duration.ofSeconds(60);
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final String name;
    /** The configuration applied last: the file at start, then each reload's. Guarded by {@link #reloadLock}. */
    private WgQuickConfig config;
    /** The host-network plan applied last (with the fwmark chosen for it). Guarded by {@link #reloadLock}. */
    private LinkPlan linkPlan;
    /** Whether a reload replaced {@link #config}. Guarded by {@link #reloadLock}. */
    private boolean reloaded;
    private volatile UapiServer uapi;
    /** One reload at a time; {@link #close} takes it too, so that no reload edits the host while it is torn down. */
    private final Object reloadLock = new Object();
    private final GatewayOptions options;
    private final LinkSetup linkSetup;
    private final HostLinks hostLinks;
    private final Teardown teardown;
    private final StartGuard startGuard = new StartGuard();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<String> terminated = new CompletableFuture<>();
    private final DataPlane dataPlane;
    /** False for {@link #createUserspace}: no host network setup, the link is someone else's to configure. */
    private final boolean hostNetwork;
    private volatile int mtu;

    Gateway(WgQuickConfig config, GatewayOptions options, LinkSetup linkSetup, HostLinks hostLinks) {
        this(config, options, linkSetup, hostLinks, true);
    }

    private Gateway(WgQuickConfig config, GatewayOptions options, LinkSetup linkSetup, HostLinks hostLinks,
                    boolean hostNetwork) {
        this.hostNetwork = hostNetwork;
        this.name = config.interfaceName();
        this.config = config;
        this.options = Objects.requireNonNull(options, "options");
        this.linkSetup = Objects.requireNonNull(linkSetup, "linkSetup");
        this.hostLinks = Objects.requireNonNull(hostLinks, "hostLinks");
        this.teardown = new Teardown(name);
        this.dataPlane = new DataPlane(name, options, teardown);
    }

    /** A gateway for {@code config}, not started yet; nothing is touched until {@link #start()}. */
    public static Gateway create(WgQuickConfig config, GatewayOptions options) {
        return new Gateway(config, options, LinkSetup.system(), HostLinks.system());
    }

    /**
     * A gateway for wg-quick's userspace contract ({@code wgate-userspace IFNAME}, as {@code wireguard-go IFNAME}):
     * a TUN device with MTU {@value Protocol#DEFAULT_MTU} and the UAPI socket, no private key and no peers until
     * {@code wg setconf} gives them, and no host network setup at all: addresses, MTU, link up, routes and hooks
     * are wg-quick's, and the tunnel follows the MTU it sets ({@link LinkMtuWatch}). The link stays down until
     * then, as wireguard-go leaves it.
     */
    public static Gateway createUserspace(String name, GatewayOptions options) {
        return new Gateway(WgQuickConfig.unconfigured(name), options, LinkSetup.system(), HostLinks.system(), false);
    }

    /** {@link #create} and {@link #start()}. */
    public static Gateway start(WgQuickConfig config, GatewayOptions options) throws GatewayException {
        Gateway gateway = create(config, options);
        gateway.start();
        return gateway;
    }

    /**
     * Brings up the interface; once only. A {@link #close} from another thread meanwhile stops it. The
     * configuration's private and preshared keys are wiped when it returns: the engine has its own copies
     * (which {@link #close} wipes).
     *
     * @throws GatewayException naming what failed (or that start-up was stopped); nothing is left behind
     */
    public void start() throws GatewayException {
        if (!startGuard.begin()) {
            throw new GatewayException(name + ": not started: the gateway was already started or closed");
        }
        try {
            bringUp();
            startGuard.checkNotAborted();
        } catch (Exception e) {
            startGuard.rollingBack(); // no more interrupts: the rollback's commands and waits must run to the end
            boolean aborted = startGuard.aborted();
            boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
            closing.set(true);
            if (aborted) {
                LOG.log(Level.WARNING, "{0}: start-up stopped because the gateway was asked to shut down; undoing"
                        + " what it set up", name);
            }
            teardown.runAll();
            if (aborted) {
                throw new GatewayException(name + ": start-up stopped because the gateway was asked to shut down;"
                        + " what it had set up was undone", e);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof GatewayException g ? g : new GatewayException(name + ": " + describe(e), e);
        } finally {
            config.wipeKeys();
            startGuard.end();
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private void bringUp() throws Exception {
        options.transport().ensureAvailable();
        if (hostLinks.exists(name)) {
            throw new GatewayException("interface " + name + " already exists; stop it with 'wgate down " + name
                    + "' or remove it with 'ip link del " + name + "'");
        }
        if (hostNetwork) {
            cleanUpEarlierRun();
        }
        startGuard.checkNotAborted();
        List<InetSocketAddress> endpoints = EngineSetup.resolveEndpoints(config, options.endpointRetries());
        startGuard.checkNotAborted();

        dataPlane.startEngine(config, endpoints);
        if (hostNetwork) {
            teardown.push("run the PostDown hooks", () -> linkSetup.postDown(name));
        }
        dataPlane.openTun();
        dataPlane.openUdp(config.iface().listenPort(), config.iface().fwMark());

        UapiServer uapi = UapiServer.start(name, new GatewayDevice(this), dataPlane.loop());
        this.uapi = uapi;
        teardown.push("close the UAPI socket", uapi);
        uapi.watchSocketFile(Duration.ofSeconds(1), () -> stopBySelf("the UAPI socket " + uapi.socketPath()
                + " was deleted", "UAPI socket deleted"));
        startGuard.checkNotAborted();

        if (hostNetwork) {
            setUpHostNetwork(endpoints);
        } else {
            leaveLinkToOthers();
        }
        int peers = dataPlane.applyMtuAndTick(mtu);
        dataPlane.tun().closeFuture().addListener(f -> stopBySelf("the TUN device is gone", "TUN device removed"));
        LOG.log(Level.INFO, "{0}: up (wgate {7}), listening on UDP port {1,number,#} ({2}), MTU {3,number,#},"
                + " {4} peer(s), {5}, offloads {6}", name, dataPlane.listenPort(), options.transport().label(), mtu, peers,
                dataPlane.aeadName(), dataPlane.onLoop(dataPlane::offloadSummary), Version.current());
    }

    /** A dead earlier run's host changes, undone before our TUN exists; its PreDown/PostDown hooks run now. */
    private void cleanUpEarlierRun() throws GatewayException {
        try {
            if (linkSetup.cleanup(name)) {
                LOG.log(Level.WARNING, "{0}: undid the host changes an earlier run left behind", name);
            }
        } catch (IOException e) {
            throw new GatewayException(name + ": cannot undo what an earlier run left behind ("
                    + linkSetup.statePath(name) + "): " + e.getMessage() + "; fix that and run 'wgate down "
                    + name + "'", e);
        }
    }

    /** Addresses, MTU, routes, rules and hooks ({@link LinkSetup#up}); the fwmark goes on the socket first. */
    private void setUpHostNetwork(List<InetSocketAddress> endpoints) throws Exception {
        LinkPlan plan = LinkPlan.of(config, endpoints.stream().filter(Objects::nonNull)
                .map(InetSocketAddress::getAddress).toList());
        if (plan.needsPolicyRouting() && plan.fwMark() == 0) {
            long chosen = linkSetup.chooseFwMark(plan);
            dataPlane.onLoop(() -> {
                dataPlane.setFwMark(chosen);
                return null;
            });
            plan = plan.withFwMark(chosen);
        }
        AppliedLink link = linkSetup.up(plan);
        teardown.push("run the PreDown hooks and undo the host changes", () -> linkSetup.preDown(name));
        mtu = link.mtu();
        synchronized (reloadLock) {
            linkPlan = plan.withFwMark(link.fwMark());
        }
    }

    /** Userspace mode: wireguard-go's MTU on the link, then the tunnel follows whatever MTU the link gets. */
    private void leaveLinkToOthers() throws Exception {
        mtu = Protocol.DEFAULT_MTU;
        hostLinks.setMtu(name, mtu);
        LinkMtuWatch watch = new LinkMtuWatch(name, mtu, changed -> {
            try {
                dataPlane.applyMtuAndTick(changed);
                mtu = changed;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        teardown.push("stop following the link's MTU", watch);
        watch.start();
    }

    /** The gateway stops by itself: completes {@link #terminated()} unless it is being closed anyway. */
    private void stopBySelf(String what, String reason) {
        if (!closing.get()) {
            LOG.log(Level.WARNING, "{0}: {1}; shutting down", name, what);
            terminated.complete(reason);
        }
    }

    // ================================================================ runtime control (any thread)

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The UDP port actually bound. */
    public int listenPort() {
        return dataPlane.listenPort();
    }

    /** The fwmark set on the UDP socket, 0 for none. */
    public long fwMark() {
        return dataPlane.fwMark();
    }

    /**
     * The offloads in effect now, e.g. {@code tun: tso uso tcp-coalescing udp-coalescing; udp: gso gro}: what the
     * kernel accepted of those asked for, less any switched off at run time. Any thread (asks the event loop).
     */
    public String offloadSummary() throws Exception {
        return dataPlane.onLoop(dataPlane::offloadSummary);
    }

    /** The tunnel MTU in use. */
    public int mtu() {
        return mtu;
    }

    /** The engine; touch it only on {@link #eventLoop()}. */
    public Engine engine() {
        return dataPlane.engine();
    }

    /** The engine's owner thread. */
    public EventLoop eventLoop() {
        return dataPlane.loop();
    }

    /** Datagrams and packets dropped by the I/O layer because a device could not keep up. */
    public long backpressureDrops() {
        return dataPlane.backpressureDrops();
    }

    /**
     * What the metrics read of this gateway (a snapshot task on the engine's loop per scrape, the I/O counters).
     * Call once it has started.
     *
     * @param friendlyNames base64 public key to the peer's name from the configuration
     */
    public GatewaySource metricsSource(Map<String, String> friendlyNames) throws Exception {
        return new GatewayMetricsSource(name, dataPlane, friendlyNames);
    }

    /**
     * The running configuration as the UAPI's {@code get=1} reports it (what {@code wg showconf} prints), for
     * {@code SaveConfig}. It holds the keys: never log it. Any thread but the engine's loop; before {@link #close}.
     */
    public DeviceStatus runningState() throws Exception {
        GatewayDevice device = new GatewayDevice(this);
        return dataPlane.onLoop(() -> GetOperation.status(name, device));
    }

    /** Applies the SO_MARK of the live socket (0 clears it). Call on {@link #eventLoop()}. */
    public void setFwMark(long mark) {
        dataPlane.setFwMark(mark);
    }

    /**
     * Moves the UDP socket to {@code port} (0 = any free port): the new socket is bound first, so on
     * failure the old one stays. Call on {@link #eventLoop()}.
     */
    public void rebind(int port) throws BindException {
        dataPlane.rebind(port);
        LOG.log(Level.INFO, "{0}: now listening on UDP port {1,number,#}", name, dataPlane.listenPort());
    }

    /**
     * {@code peer}'s endpoint was set over the UAPI: a host name from the configuration file is no longer resolved
     * again for it ({@link EndpointRefresher}). Call from the event loop.
     */
    void endpointSetByUapi(Peer peer) {
        dataPlane.refresher().forget(peer);
    }

    /** Runs a tick on the event loop (after configuration changes). Call from the event loop. */
    public void tickNow() {
        dataPlane.tick();
    }

    /** Completes, with the reason, when the gateway stopped by itself (e.g. its TUN device vanished). */
    public CompletableFuture<String> terminated() {
        return terminated;
    }

    /** Whether {@link #close} has been called (or a failed start is rolling back). */
    public boolean isClosing() {
        return closing.get();
    }

    /** Runs {@code task} on the engine's loop and waits for it. */
    public <T> T onLoop(Callable<T> task) throws Exception {
        return dataPlane.onLoop(task);
    }

    // ================================================================ reload

    /** Whether this gateway set up the host network from a file (false for {@code wgate-userspace}). */
    public boolean managesHostNetwork() {
        return hostNetwork;
    }

    /**
     * The configuration applied last: the file it started from, then each reload's (keys wiped); {@code started}
     * until a reload applied one. Any thread.
     */
    public WgQuickConfig configuration(WgQuickConfig started) {
        synchronized (reloadLock) {
            return reloaded ? config : started;
        }
    }

    /**
     * Applies {@code to}, a new reading of the configuration file, to the running gateway: only the difference, on
     * the host ({@link LinkReload}: addresses, MTU, routes, down hooks) and in the engine ({@link ReloadPlan}: keys,
     * port, fwmark, peers), in that order; a failure in the engine's part (the new port is taken) reverses the
     * host's. Untouched peers keep their sessions, counters and endpoints. {@code to}'s keys are wiped when it
     * returns. Any thread but the engine's loop; one reload at a time.
     *
     * @return one line per change; empty when the file matches what runs
     * @throws GatewayException naming why nothing was changed (a change that needs a restart, an endpoint that does
     *     not resolve, a command or bind that failed and was undone, or the gateway is stopping)
     */
    public List<String> reload(WgQuickConfig to) throws GatewayException {
        try {
            if (!to.interfaceName().equals(name)) {
                throw new GatewayException(name + ": the configuration is for " + to.interfaceName());
            }
            List<InetSocketAddress> endpoints;
            try {
                endpoints = EngineSetup.resolveEndpoints(to, options.endpointRetries());
            } catch (Exception e) {
                throw new GatewayException(name + ": " + describe(e), e);
            }
            synchronized (reloadLock) {
                if (closing.get() || linkPlan == null) {
                    throw new GatewayException(name + ": not reloaded: the gateway is "
                            + (closing.get() ? "stopping" : "still starting"));
                }
                return reloadLocked(to, endpoints);
            }
        } finally {
            to.wipeKeys();
        }
    }

    private List<String> reloadLocked(WgQuickConfig to, List<InetSocketAddress> endpoints) throws GatewayException {
        LinkPlan toPlan = LinkPlan.of(to, endpoints.stream().filter(Objects::nonNull)
                .map(InetSocketAddress::getAddress).toList());
        if (toPlan.needsPolicyRouting() && toPlan.fwMark() == 0) {
            toPlan = toPlan.withFwMark(linkPlan.fwMark()); // the mark chosen at up stays
        }
        List<String> unsupported = LinkReload.unsupported(linkPlan, toPlan);
        if (!unsupported.isEmpty()) {
            throw new GatewayException(name + ": not reloaded, nothing changed: " + String.join("; ", unsupported)
                    + "; that needs 'wgate down " + name + "' and 'wgate up'");
        }
        ReloadPlan plan;
        try {
            RunningConfig running = dataPlane.onLoop(() -> RunningConfig.of(dataPlane.engine()));
            try {
                plan = ReloadPlan.of(running, dataPlane.listenPort(), config, to, endpoints);
            } finally {
                running.wipe();
            }
        } catch (Exception e) {
            throw new GatewayException(name + ": not reloaded: " + describe(e), e);
        }
        LinkReload.Applied host;
        try {
            host = linkSetup.reloader().apply(linkPlan, toPlan, mtu);
        } catch (IOException e) {
            plan.request().wipeKeys();
            throw new GatewayException(name + ": not reloaded, nothing changed: " + e.getMessage(), e);
        }
        try {
            uapi.apply(plan.request()).get();
        } catch (Exception e) {
            plan.request().wipeKeys();
            try {
                host.undo();
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new GatewayException(name + ": not reloaded, nothing changed: " + describe(e), e);
        }
        try {
            dataPlane.reconfigureEndpoints(config, to);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: changed endpoint host names may not be resolved again: {1}", name,
                    describe(e));
        }
        if (host.mtu() != mtu) {
            try {
                dataPlane.applyMtuAndTick(host.mtu());
                mtu = host.mtu();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "{0}: the link has MTU {1,number,#} but the gateway could not take it: {2}",
                        name, host.mtu(), describe(e));
            }
        }
        List<String> changes = new ArrayList<>(host.changes());
        changes.addAll(plan.changes());
        if (!to.iface().hooks().preUp().equals(config.iface().hooks().preUp())
                || !to.iface().hooks().postUp().equals(config.iface().hooks().postUp())) {
            changes.add("PreUp/PostUp hooks changed: they run at the next up");
        }
        config = to;
        linkPlan = toPlan;
        reloaded = true;
        LOG.log(Level.INFO, "{0}: reloaded: {1}", name, changes.isEmpty() ? "no changes" : String.join("; ", changes));
        return changes;
    }

    // ================================================================ shutdown

    /**
     * Tears everything down in reverse order (see the class comment). From any thread; during start-up
     * it first stops the start and waits for its rollback. Idempotent; a second caller returns once the
     * teardown is complete.
     */
    @Override
    public void close() {
        boolean first = closing.compareAndSet(false, true);
        if (first) {
            LOG.log(Level.INFO, "{0}: shutting down", name);
        }
        if (!startGuard.abortAndAwait(START_ABORT_TIMEOUT)) {
            LOG.log(Level.WARNING, "{0}: start-up did not stop within {1} s; tearing down what is up anyway", name,
                    START_ABORT_TIMEOUT.toSeconds());
        }
        synchronized (reloadLock) {
            teardown.runAll();
        }
        if (first && teardown.failures() > 0) {
            LOG.log(Level.WARNING, "{0}: {1} teardown step(s) failed; ''wgate down {0}'' retries what is left",
                    name, teardown.failures());
        }
        terminated.complete("closed");
    }
}
