package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_A;
import static io.wgate.server.demo.Addressing.HOST_A_V6;
import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.HOST_B_V6;
import static io.wgate.server.demo.Addressing.MAIN_LAN_GATEWAY;
import static io.wgate.server.demo.Addressing.MAIN_LAN_GATEWAY_V6;
import static io.wgate.server.demo.Addressing.MAIN_WAN;
import static io.wgate.server.demo.Addressing.MAIN_WAN_ROUTER;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN_GATEWAY;
import static io.wgate.server.demo.Addressing.SATELLITE_LAN_GATEWAY_V6;
import static io.wgate.server.demo.Addressing.SATELLITE_ROAMED_ROUTER;
import static io.wgate.server.demo.Addressing.SATELLITE_ROAMED_WAN;
import static io.wgate.server.demo.Addressing.SATELLITE_WAN;
import static io.wgate.server.demo.Addressing.SATELLITE_WAN_ROUTER;
import static io.wgate.server.demo.Addressing.onLink;
import static io.wgate.server.demo.Addressing.onLinkV6;

import io.wgate.server.net.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The five network namespaces of the two-office network and the veth links between them:
 *
 * <pre>
 *  namespace   links (veth peers are on the same line)
 *  Host A      lan0 10.10.10.2     ── Main gateway      lan0 10.10.10.1
 *  Main gw     wan0 198.51.100.2   ── Internet router   main0 198.51.100.1
 *  Internet    sat0 203.0.113.1, 192.0.2.1 ── Satellite gateway wan0 203.0.113.2 (192.0.2.2 after roaming)
 *  Satellite   lan0 192.168.1.1    ── Host B            lan0 192.168.1.2
 * </pre>
 *
 * The routers (both gateways and the Internet router) forward IPv4. The Internet router knows only the
 * two WAN networks, so the LANs can reach each other only through the tunnel. Link names are local to
 * each namespace; nothing is created in the host's own namespace.
 *
 * <p>With IPv6 the two LANs get {@code fd00:a::/64} (Host A {@code ::2}, Main gateway {@code ::1}) and
 * {@code fd00:b::/64} (Host B {@code ::2}, Satellite gateway {@code ::1}) as well, the hosts an IPv6 default
 * route via their gateway, and both gateways forward IPv6; the Internet stays IPv4-only, so IPv6 crosses only
 * inside the tunnel.
 */
public final class Topology implements AutoCloseable {

    private static final Path NETNS_DIR = Path.of("/run/netns");

    private final Shell shell;
    private final SiteNames names;
    private final boolean ipv6;
    private final List<String> created = new ArrayList<>();
    private boolean roamed;

    private Topology(Shell shell, SiteNames names, boolean ipv6) {
        this.shell = shell;
        this.names = names;
        this.ipv6 = ipv6;
    }

    /**
     * Builds the network, IPv4 only.
     *
     * @throws IOException naming the command that failed and its error; whatever was built is removed again
     */
    public static Topology create(Shell shell, SiteNames names) throws IOException {
        return create(shell, names, false);
    }

    /**
     * Builds the network, with IPv6 on the LANs too when {@code ipv6}.
     *
     * @throws IOException naming the command that failed and its error; whatever was built is removed again
     */
    public static Topology create(Shell shell, SiteNames names, boolean ipv6) throws IOException {
        Topology topology = new Topology(shell, names, ipv6);
        try {
            topology.build();
            return topology;
        } catch (IOException | RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private void build() throws IOException {
        for (String ns : names.namespaces()) {
            if (Files.exists(NETNS_DIR.resolve(ns))) {
                throw new IOException("network namespace " + ns + " already exists (another run with the same tag?)");
            }
        }
        for (String ns : names.namespaces()) {
            shell.ipHost("netns", "add", ns);
            created.add(ns);
            shell.ipIn(ns, "link", "set", "lo", "up");
        }
        link(names.hostA(), "lan0", HOST_A, names.main(), "lan0", MAIN_LAN_GATEWAY);
        link(names.main(), "wan0", MAIN_WAN, names.internet(), "main0", MAIN_WAN_ROUTER);
        link(names.internet(), "sat0", SATELLITE_WAN_ROUTER, names.satellite(), "wan0", SATELLITE_WAN);
        link(names.satellite(), "lan0", SATELLITE_LAN_GATEWAY, names.hostB(), "lan0", HOST_B);
        // The Internet router also serves the network the Satellite roams to.
        shell.ipIn(names.internet(), "addr", "add", onLink(SATELLITE_ROAMED_ROUTER), "dev", "sat0");

        shell.ipIn(names.hostA(), "route", "add", "default", "via", MAIN_LAN_GATEWAY);
        shell.ipIn(names.main(), "route", "add", "default", "via", MAIN_WAN_ROUTER);
        shell.ipIn(names.satellite(), "route", "add", "default", "via", SATELLITE_WAN_ROUTER);
        shell.ipIn(names.hostB(), "route", "add", "default", "via", SATELLITE_LAN_GATEWAY);
        for (String router : List.of(names.main(), names.internet(), names.satellite())) {
            enableForwarding(router, "/proc/sys/net/ipv4/ip_forward");
        }
        if (ipv6) {
            addIpv6();
        }
    }

    /**
     * The LANs' IPv6 addresses (without duplicate address detection, so they are usable at once), the hosts'
     * default routes and forwarding on the gateways.
     */
    private void addIpv6() throws IOException {
        shell.ipIn(names.hostA(), "addr", "add", onLinkV6(HOST_A_V6), "dev", "lan0", "nodad");
        shell.ipIn(names.main(), "addr", "add", onLinkV6(MAIN_LAN_GATEWAY_V6), "dev", "lan0", "nodad");
        shell.ipIn(names.satellite(), "addr", "add", onLinkV6(SATELLITE_LAN_GATEWAY_V6), "dev", "lan0", "nodad");
        shell.ipIn(names.hostB(), "addr", "add", onLinkV6(HOST_B_V6), "dev", "lan0", "nodad");
        shell.ipIn(names.hostA(), "-6", "route", "add", "default", "via", MAIN_LAN_GATEWAY_V6);
        shell.ipIn(names.hostB(), "-6", "route", "add", "default", "via", SATELLITE_LAN_GATEWAY_V6);
        for (String router : List.of(names.main(), names.satellite())) {
            enableForwarding(router, "/proc/sys/net/ipv6/conf/all/forwarding");
        }
    }

    /**
     * Writes 1 to the forwarding switch {@code file} ({@code net.ipv4.ip_forward} or
     * {@code net.ipv6.conf.all.forwarding}) in {@code ns}. Written through {@code /proc/sys} by a shell inside
     * the namespace (the file shows the namespace of whoever opens it), since {@code sysctl} (procps) is not
     * on every minimal system.
     */
    private void enableForwarding(String ns, String file) throws IOException {
        shell.checkIn(Shell.DEFAULT_TIMEOUT, ns, "sh", "-c", "echo 1 > " + file);
        String value = shell.checkIn(Shell.DEFAULT_TIMEOUT, ns, "cat", file).stdout().strip();
        if (!value.equals("1")) {
            throw new IOException("could not enable forwarding in " + ns + " (" + file + " is " + value + ")");
        }
    }

    /** A veth pair from {@code leftNs} to {@code rightNs}, addressed and up on both ends. */
    private void link(String leftNs, String leftDev, String leftAddress, String rightNs, String rightDev,
                      String rightAddress) throws IOException {
        shell.ipIn(leftNs, "link", "add", leftDev, "type", "veth", "peer", "name", rightDev, "netns", rightNs);
        shell.ipIn(leftNs, "addr", "add", onLink(leftAddress), "dev", leftDev);
        shell.ipIn(rightNs, "addr", "add", onLink(rightAddress), "dev", rightDev);
        shell.ipIn(leftNs, "link", "set", leftDev, "up");
        shell.ipIn(rightNs, "link", "set", rightDev, "up");
    }

    /** The names of this run. */
    public SiteNames names() {
        return names;
    }

    /** Whether the LANs have IPv6 too. */
    public boolean ipv6() {
        return ipv6;
    }

    /** The Satellite gateway's current public address. */
    public synchronized String satelliteWan() {
        return roamed ? SATELLITE_ROAMED_WAN : SATELLITE_WAN;
    }

    /**
     * Moves the Satellite gateway's WAN from 203.0.113.2 to 192.0.2.2 (as when an office changes its
     * Internet uplink), without touching the tunnel or the gateway processes. The old address is removed.
     *
     * @return the new public address
     */
    public synchronized String roamSatellite() throws IOException {
        String ns = names.satellite();
        shell.ipIn(ns, "addr", "add", onLink(SATELLITE_ROAMED_WAN), "dev", "wan0");
        shell.ipIn(ns, "route", "replace", "default", "via", SATELLITE_ROAMED_ROUTER, "src", SATELLITE_ROAMED_WAN);
        shell.ipIn(ns, "addr", "del", onLink(SATELLITE_WAN), "dev", "wan0");
        roamed = true;
        return SATELLITE_ROAMED_WAN;
    }

    /**
     * Kills whatever still runs inside the namespaces (only processes this run started live there), then
     * deletes them; the veth links go with them. Never throws.
     *
     * @return problems met, empty when everything is gone
     */
    public synchronized List<String> remove() {
        List<String> problems = new ArrayList<>();
        for (String ns : List.copyOf(created)) {
            killProcessesIn(ns, problems);
        }
        for (String ns : List.copyOf(created)) {
            try {
                CommandResult result = shell.run(List.of(shell.ip(), "netns", "del", ns));
                if (result.exitCode() != 0 && Files.exists(NETNS_DIR.resolve(ns))) {
                    problems.add("ip netns del " + ns + ": " + result.stderr().strip());
                    continue;
                }
                created.remove(ns);
            } catch (IOException e) {
                problems.add("ip netns del " + ns + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private void killProcessesIn(String ns, List<String> problems) {
        try {
            CommandResult pids = shell.run(Duration.ofSeconds(10), List.of(shell.ip(), "netns", "pids", ns));
            for (String line : pids.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
                ProcessHandle.of(Long.parseLong(line)).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join();
                });
            }
        } catch (IOException e) {
            problems.add("ip netns pids " + ns + ": " + e.getMessage());
        }
    }

    /** Same as {@link #remove()}, ignoring problems. */
    @Override
    public void close() {
        remove();
    }
}
