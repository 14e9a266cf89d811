package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.RouteTable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Brings an existing link (the TUN the caller opened) into service the way {@code wg-quick up} does,
 * and takes it out again the way {@code wg-quick down} does (wireguard-tools {@code src/wg-quick/linux.bash}):
 *
 * <ol>
 *   <li>PreUp hooks;</li>
 *   <li>{@code ip -4|-6 address add} for each Address;</li>
 *   <li>{@code ip link set mtu M up dev IF}, M explicit or from {@link AutoMtu};</li>
 *   <li>a route for each distinct AllowedIP, longest prefix first ({@link RouteOrder}):
 *     <ul>
 *       <li>{@code Table = off}: none;</li>
 *       <li>explicit table T: {@code ip route add P dev IF table T};</li>
 *       <li>{@code auto}, not /0: {@code ip route add P dev IF}, unless {@code ip route show dev IF match P}
 *           already finds a route through the interface (the Address's own subnet, typically);</li>
 *       <li>{@code auto}, /0: fwmark policy routing with mark = table = FwMark, or the first table from
 *           51820 that is empty for IPv4 and IPv6: {@code ip rule add not fwmark T table T},
 *           {@code ip rule add table main suppress_prefixlength 0}, {@code ip route add 0.0.0.0/0 dev IF table T},
 *           and for IPv4 {@code sysctl -q net.ipv4.conf.all.src_valid_mark=1} unless it is 1 already
 *           ({@link SrcValidMark}: a read-only {@code /proc/sys} needs it set beforehand); then, when {@code nft} is
 *           available, the table {@code wg-quick-IF} of that family ({@link FullTunnelFirewall}: drop packets
 *           for our addresses that arrive on other interfaces, save and restore the fwmark through
 *           conntrack), loaded in one {@code nft} transaction;</li>
 *     </ul></li>
 *   <li>PostUp hooks.</li>
 * </ol>
 *
 * <p>Hooks run in order with {@code bash -c}, {@code %i} replaced by the interface name; a hook that
 * fails fails {@code up}. Every address, route, rule and nft table added is written to the state file
 * ({@link NetStateStore}) as soon as it exists. If a step fails (or the thread is interrupted, which
 * kills a running hook), the steps already done are undone in reverse order and the original error is
 * thrown (with any undo problems attached as suppressed), so nothing is left half-applied; like
 * wg-quick, a failed {@code up} runs no down hooks, and hooks that already ran are not reversed.
 *
 * <p>Taking the link down has two phases around the removal of the link, as in wg-quick
 * ({@link LinkTeardown}): {@link #preDown} (PreDown hooks, undo the recorded steps) while the link
 * exists, then the caller closes the TUN, then {@link #postDown} (PostDown hooks, forget the state).
 * {@link #cleanup} (or {@link #down}) runs both for an interface nobody serves any more, typically
 * after a crash: its link is gone already, and undo steps that find the device, route, rule, address
 * or nft table gone count as done. A state left by such a crash must be cleaned up before the link is
 * opened again: {@link #up} refuses to start over one, so that the old run's undo and hooks never touch
 * the new link.
 *
 * <p>Not done, unlike wg-quick: creating or deleting the link; DNS ({@code resolvconf}); SaveConfig;
 * and the {@code iptables-restore} fallback wg-quick uses for the full-tunnel firewall rules when
 * {@code nft} is missing: without {@code nft} those rules are left out, with one warning in the log.
 * The {@code src_valid_mark} sysctl is not reset on {@code down}, as wg-quick does not reset it either.
 *
 * <p>Not thread-safe; one {@code up} or {@code down} per interface at a time.
 */
public final class LinkSetup {

    /** wg-quick's first candidate table (and fwmark) for full-tunnel policy routing. */
    public static final long FIRST_POLICY_TABLE = 51820;
    /** How many tables past {@link #FIRST_POLICY_TABLE} to try before giving up. */
    static final int POLICY_TABLE_SEARCH_LIMIT = 1000;

    private static final System.Logger LOG = System.getLogger(LinkSetup.class.getName());

    private final CommandRunner runner;
    private final HostCommands commands;
    private final NetStateStore store;
    private final LinkTeardown teardown;

    public LinkSetup(CommandRunner runner, NetStateStore store) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commands = new HostCommands(runner);
        this.store = Objects.requireNonNull(store, "store");
        this.teardown = new LinkTeardown(commands, store);
    }

    /** Real commands, state in the {@link RunDirectory}. */
    public static LinkSetup system() {
        return new LinkSetup(new ProcessCommandRunner(), NetStateStore.system());
    }

    /**
     * The fwmark {@link #up} will use for this plan: its FwMark if set; else, when a /0 needs policy
     * routing, the first routing table from 51820 with no IPv4 or IPv6 routes; else 0. A caller that
     * wants its sockets marked before any route changes calls this first and passes
     * {@code plan.withFwMark(mark)} to {@code up}.
     */
    public long chooseFwMark(LinkPlan plan) throws IOException {
        if (plan.fwMark() != 0 || !plan.needsPolicyRouting()) {
            return plan.fwMark();
        }
        for (long table = FIRST_POLICY_TABLE; table < FIRST_POLICY_TABLE + POLICY_TABLE_SEARCH_LIMIT; table++) {
            if (isEmptyTable("-4", table) && isEmptyTable("-6", table)) {
                return table;
            }
        }
        throw new IOException("no empty routing table in " + FIRST_POLICY_TABLE + ".."
                + (FIRST_POLICY_TABLE + POLICY_TABLE_SEARCH_LIMIT - 1) + " for the full-tunnel fwmark; set FwMark");
    }

    private boolean isEmptyTable(String family, long table) throws IOException {
        return commands.query(List.of("ip", family, "route", "show", "table", Long.toString(table))).stdout().isBlank();
    }

    /**
     * Brings the link into service (see the class comment). A state file left for the interface by an
     * earlier run must have been undone first ({@link #cleanup}, before the link was opened).
     *
     * @return the MTU and fwmark used, and the steps taken
     * @throws IOException the first failure, after everything done so far has been undone; or, before
     *                     anything is done, when a state from an earlier run is still recorded
     */
    public AppliedLink up(LinkPlan plan) throws IOException {
        String dev = plan.interfaceName();
        if (store.read(dev).isPresent()) {
            throw new IOException(dev + " has network state from an earlier run in " + store.pathFor(dev)
                    + "; undo it before opening the link ('wgate down " + dev + "')");
        }
        Progress progress = new Progress(NetState.begin(dev, plan.hooks().preDown(), plan.hooks().postDown()));
        store.write(progress.state);
        try {
            commands.runHooks("PreUp", plan.hooks().preUp(), dev);
            for (InterfaceAddress address : plan.addresses()) {
                progress.apply(new NetStep.AddAddress(dev, address));
            }
            int mtu = plan.mtu().isPresent() ? plan.mtu().getAsInt() : AutoMtu.tunnelMtu(runner, plan.endpoints());
            exec(List.of("ip", "link", "set", "mtu", Integer.toString(mtu), "up", "dev", dev));
            long fwMark = chooseFwMark(plan);
            if (fwMark != plan.fwMark()) {
                progress.update(progress.state.withFwMark(fwMark));
            }
            addRoutes(plan, fwMark, progress);
            commands.runHooks("PostUp", plan.hooks().postUp(), dev);
            progress.update(progress.state.completed());
            LOG.log(Level.INFO, "{0} is up: mtu {1}, {2} host changes recorded in {3}", dev, Integer.toString(mtu),
                    Integer.toString(progress.state.steps().size()), store.pathFor(dev));
            return new AppliedLink(dev, mtu, fwMark, progress.state.steps());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "{0}: up failed, undoing {1} host changes: {2}", dev,
                    Integer.toString(progress.state.steps().size()), e.getMessage());
            // An interrupt (a stop request during start-up) must not also cut the rollback's own commands short.
            boolean interrupted = Thread.interrupted();
            try {
                teardown.rollBack(progress.state, e::addSuppressed);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    private void addRoutes(LinkPlan plan, long fwMark, Progress progress) throws IOException {
        String dev = plan.interfaceName();
        RouteTable table = plan.table();
        boolean[] policyDone = new boolean[2]; // [0] IPv4, [1] IPv6
        for (Prefix prefix : RouteOrder.sorted(plan.allowedIps())) {
            switch (table.mode()) {
                case OFF -> {
                }
                case EXPLICIT -> progress.apply(new NetStep.AddRoute(dev, prefix, table.id()));
                case AUTO -> {
                    if (prefix.cidr() == 0) {
                        int family = prefix.isIpv4() ? 0 : 1;
                        if (!policyDone[family]) {
                            addPolicyRouting(plan, prefix, fwMark, progress);
                            policyDone[family] = true;
                        }
                    } else if (!routeThroughExists(dev, prefix)) {
                        progress.apply(new NetStep.AddRoute(dev, prefix, null));
                    }
                }
            }
        }
    }

    /** wg-quick's {@code add_default}, its firewall part with nft only (see the class comment). */
    private void addPolicyRouting(LinkPlan plan, Prefix defaultRoute, long fwMark, Progress progress)
            throws IOException {
        String dev = plan.interfaceName();
        boolean ipv6 = !defaultRoute.isIpv4();
        String mark = Long.toString(fwMark);
        progress.apply(new NetStep.AddRule(ipv6, List.of("not", "fwmark", mark, "table", mark)));
        progress.apply(new NetStep.AddRule(ipv6, List.of("table", "main", "suppress_prefixlength", "0")));
        progress.apply(new NetStep.AddRoute(dev, defaultRoute, mark));
        if (!ipv6) {
            SrcValidMark.ensure(commands, dev);
        }
        addFirewall(plan, ipv6, fwMark, progress);
    }

    /** The family's {@code wg-quick-IF} nft table, if nft is there; else (once per {@code up}) a warning. */
    private void addFirewall(LinkPlan plan, boolean ipv6, long fwMark, Progress progress) throws IOException {
        String dev = plan.interfaceName();
        if (!progress.nftChecked) {
            progress.nftMissing = FullTunnelFirewall.nftMissing(runner);
            progress.nftChecked = true;
            if (progress.nftMissing != null) {
                LOG.log(Level.WARNING, "{0}: nft is not available ({1}): full tunnel without the firewall rules "
                        + "wg-quick adds (packets for the tunnel addresses arriving on other interfaces are not "
                        + "dropped, replies get no conntrack fwmark for rp_filter); wgate has no iptables fallback, "
                        + "install nftables", dev, progress.nftMissing);
            }
        }
        if (progress.nftMissing == null) {
            String script = FullTunnelFirewall.script(dev, ipv6, fwMark, plan.addresses());
            progress.apply(FullTunnelFirewall.loadCommand(script), FullTunnelFirewall.step(dev, ipv6));
        }
    }

    /** wg-quick's check: {@code ip -4 route show dev IF match P} prints something. */
    private boolean routeThroughExists(String dev, Prefix prefix) throws IOException {
        boolean exists = commands.routeThroughExists(dev, prefix);
        if (exists) {
            LOG.log(Level.INFO, "{0}: {1} is already routed through the interface", dev, prefix);
        }
        return exists;
    }

    /**
     * Phase 1 of taking a served link down, while it still exists: PreDown hooks (if {@code up} had
     * completed), then every recorded step undone, newest first ({@link LinkTeardown}).
     *
     * @return false when there was no state for the interface (nothing to do)
     * @throws IOException after trying everything, when something could not be undone or a hook failed;
     *                     steps that could not be undone stay in the state file for another try
     */
    public boolean preDown(String interfaceName) throws IOException {
        return teardown.preDown(interfaceName);
    }

    /**
     * Phase 2, once the caller closed the TUN (the link is gone): PostDown hooks (if {@code up} had
     * completed); the state file is deleted unless steps that could not be undone remain in it.
     *
     * @return false when there was no state for the interface
     * @throws IOException after trying everything, when a hook failed or the state could not be updated
     */
    public boolean postDown(String interfaceName) throws IOException {
        return teardown.postDown(interfaceName);
    }

    /**
     * Both phases, for an interface that no process serves any more ({@code wgate down} after a
     * crash): its link is gone, so PreDown hooks and the undo run without it.
     *
     * @return false when there was no state for the interface (nothing to do)
     * @throws IOException after trying everything, when something could not be undone or a hook failed
     */
    public boolean down(String interfaceName) throws IOException {
        return teardown.down(interfaceName);
    }

    /**
     * Clean-up after a crash (tailscaled's {@code --cleanup}), before the interface is opened again:
     * {@link #down}, named for the use.
     *
     * @return whether a stale state was found
     */
    public boolean cleanup(String interfaceName) throws IOException {
        return teardown.down(interfaceName);
    }

    /** Applies reloads to the links this instance brought up, with the same commands and state store. */
    public LinkReload reloader() {
        return new LinkReload(runner, store);
    }

    /** The state file of an interface. */
    public Path statePath(String interfaceName) {
        return store.pathFor(interfaceName);
    }

    private CommandResult exec(List<String> command) throws IOException {
        return commands.exec(command);
    }

    /** The state as steps are applied, written to the store after each one. */
    private final class Progress {
        NetState state;
        /** Whether {@link #nftMissing} was looked up in this {@code up}. */
        boolean nftChecked;
        /** Why nft cannot be used, or null when it can. */
        String nftMissing;

        Progress(NetState state) {
            this.state = state;
        }

        void apply(NetStep step) throws IOException {
            apply(step.applyCommand(), step);
        }

        /** Runs {@code command}, which brings about what {@code step} records, then records it. */
        void apply(List<String> command, NetStep step) throws IOException {
            exec(command);
            update(state.plus(step));
        }

        void update(NetState next) throws IOException {
            state = next;
            store.write(next);
        }
    }
}
