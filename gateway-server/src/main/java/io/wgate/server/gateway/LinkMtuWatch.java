package io.wgate.server.gateway;

import io.wgate.core.Protocol;
import java.lang.System.Logger.Level;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * For a gateway whose link someone else configures ({@code wgate-userspace} under wg-quick, which sets the MTU with
 * {@code ip link set mtu} after the daemon started): reads the link's MTU once a second and hands a change to
 * {@code apply} (the TUN reader's packet size and the engine's padding bound), as wireguard-go follows its link's
 * MTU through netlink ({@code tun/tun_linux.go}). Reads through {@link NetworkInterface}, which asks the kernel in
 * this process's network namespace. Runs on a thread of its own ({@code wgate-NAME-link-0}), never on the engine's
 * loop: {@code apply} may wait for the loop.
 */
final class LinkMtuWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    static final long PERIOD_MILLIS = 1000;

    private final String name;
    private final IntConsumer apply;
    private final ScheduledExecutorService executor;
    private int current;

    LinkMtuWatch(String name, int initialMtu, IntConsumer apply) {
        this.name = name;
        this.current = initialMtu;
        this.apply = apply;
        this.executor = Executors.newSingleThreadScheduledExecutor(DataPlane.threads("wgate-" + name + "-link"));
    }

    void start() {
        executor.scheduleWithFixedDelay(this::poll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        int mtu;
        try {
            NetworkInterface link = NetworkInterface.getByName(name);
            if (link == null) {
                return; // gone: the TUN channel's closing stops the gateway
            }
            mtu = link.getMTU();
        } catch (SocketException e) {
            return;
        }
        if (mtu == current || mtu < Protocol.MIN_MTU || mtu > Protocol.MAX_MTU) {
            return;
        }
        try {
            apply.accept(mtu);
            LOG.log(Level.INFO, "{0}: the link''s MTU is now {1,number,#}; the tunnel follows", name, mtu);
            current = mtu;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: cannot follow the link''s MTU {1,number,#}: {2}", name, mtu, e.toString());
            current = mtu; // not again every second
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
