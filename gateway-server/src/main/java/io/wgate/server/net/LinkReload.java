package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.RouteTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The host side of a reload: brings a served link from one {@link LinkPlan} to another without taking it down,
 * doing what a fresh {@link LinkSetup#up} of the new plan would have done differently. In order: the Address
 * entries added, then those dropped; the MTU ({@code ip link set mtu}) when the new plan names another one (or
 * switches from an explicit MTU back to the automatic one); the routes of AllowedIPs that no peer allows any more
 * removed, then the new ones added with wg-quick's rules ({@code Table = auto}: not when {@code ip route show dev IF
 * match P} already finds one, never for {@code /0}; an explicit table: every prefix; {@code off}: none). The PreDown
 * and PostDown hooks recorded for {@code down} become the new plan's.
 *
 * <p>Every change is recorded in the state file ({@link NetStateStore}) as soon as it is made, so that a later
 * {@code down} undoes exactly what is there. If a command fails, the changes made so far are reversed and the state
 * file restored before the error is thrown; {@link Applied#undo} does the same for a reload whose other half (the
 * engine's) failed afterwards. Nothing else is touched.
 *
 * <p>Not done live ({@link #unsupported} names them, and the reload is refused as a whole): a change of
 * {@code Table}, switching full-tunnel policy routing on or off (a {@code /0} in AllowedIPs with
 * {@code Table = auto}), and a new {@code FwMark} while policy routing uses the mark. PreUp and PostUp hooks run
 * only at {@code up}.
 *
 * <p>Not thread-safe; the gateway's reload thread calls it, one reload at a time.
 */
public final class LinkReload {

    private final CommandRunner runner;
    private final HostCommands commands;
    private final NetStateStore store;

    LinkReload(CommandRunner runner, NetStateStore store) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commands = new HostCommands(runner);
        this.store = Objects.requireNonNull(store, "store");
    }

    /** What a reload changed on the host, and how to take it back. */
    public final class Applied {
        private final NetState before;
        private final List<List<String>> undoCommands;
        private final List<String> changes;
        private final int mtu;

        private Applied(NetState before, List<List<String>> undoCommands, List<String> changes, int mtu) {
            this.before = before;
            this.undoCommands = List.copyOf(undoCommands);
            this.changes = List.copyOf(changes);
            this.mtu = mtu;
        }

        /** One line per change, for the operator ({@code address 10.0.0.1/24 added}, {@code mtu 1420 -> 1380}). */
        public List<String> changes() {
            return changes;
        }

        /** The link's MTU now. */
        public int mtu() {
            return mtu;
        }

        /**
         * Reverses the changes, newest first, and restores the state file as it was before the reload.
         *
         * @throws IOException after trying every command, the first failure (others suppressed)
         */
        public void undo() throws IOException {
            reverse(before, undoCommands, null);
        }
    }

    /**
     * Why the change from {@code from} to {@code to} cannot be applied to a running link, one sentence each; empty
     * when it can.
     */
    public static List<String> unsupported(LinkPlan from, LinkPlan to) {
        List<String> problems = new ArrayList<>();
        if (!from.table().equals(to.table())) {
            problems.add("Table changes from " + from.table() + " to " + to.table());
        }
        if (from.table().equals(to.table()) && from.needsPolicyRouting() != to.needsPolicyRouting()) {
            problems.add("full-tunnel routing (a /0 in AllowedIPs with Table = auto) is switched "
                    + (to.needsPolicyRouting() ? "on" : "off"));
        } else if (from.needsPolicyRouting() && to.needsPolicyRouting()) {
            if (from.fwMark() != to.fwMark()) {
                problems.add("FwMark changes while full-tunnel routing uses it");
            }
            if (!defaultRoutes(from).equals(defaultRoutes(to))) {
                problems.add("the default routes (/0) in AllowedIPs change");
            }
        }
        return problems;
    }

    private static Set<Prefix> defaultRoutes(LinkPlan plan) {
        Set<Prefix> defaults = new LinkedHashSet<>();
        plan.allowedIps().stream().filter(p -> p.cidr() == 0).forEach(defaults::add);
        return defaults;
    }

    /**
     * Brings the link from {@code from} to {@code to} (see the class comment). {@link #unsupported} must be empty.
     *
     * @param currentMtu the link's MTU now
     * @return what changed; nothing changed if the list of changes is empty
     * @throws IOException naming the command that failed, after everything done so far was reversed
     */
    public Applied apply(LinkPlan from, LinkPlan to, int currentMtu) throws IOException {
        if (!unsupported(from, to).isEmpty()) {
            throw new IllegalArgumentException("not a live change: " + unsupported(from, to));
        }
        String dev = to.interfaceName();
        NetState before = store.read(dev).orElseThrow(() -> new IOException(dev + ": no network state in "
                + store.pathFor(dev) + " to reload"));
        NetState state = before;
        List<List<String>> undo = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        int mtu = currentMtu;
        try {
            Set<InterfaceAddress> wanted = new LinkedHashSet<>(to.addresses());
            for (InterfaceAddress address : to.addresses()) {
                NetStep.AddAddress step = new NetStep.AddAddress(dev, address);
                if (!state.steps().contains(step)) {
                    commands.exec(step.applyCommand());
                    undo.add(step.undoCommand());
                    state = record(state.plus(step));
                    changes.add("address " + address + " added");
                }
            }
            for (NetStep step : List.copyOf(state.steps())) {
                if (step instanceof NetStep.AddAddress a && a.device().equals(dev) && !wanted.contains(a.address())) {
                    commands.exec(step.undoCommand());
                    undo.add(step.applyCommand());
                    state = record(without(state, step));
                    changes.add("address " + a.address() + " removed");
                }
            }
            int newMtu = to.mtu().isPresent() ? to.mtu().getAsInt()
                    : from.mtu().isPresent() ? AutoMtu.tunnelMtu(runner, to.endpoints()) : currentMtu;
            if (newMtu != currentMtu) {
                commands.exec(mtuCommand(dev, newMtu));
                undo.add(mtuCommand(dev, currentMtu));
                mtu = newMtu;
                changes.add("mtu " + currentMtu + " -> " + newMtu);
            }
            state = reloadRoutes(to, state, undo, changes);
            NetState hooked = state.withDownHooks(to.hooks().preDown(), to.hooks().postDown());
            if (!hooked.equals(state)) {
                state = record(hooked);
                changes.add("PreDown/PostDown hooks replaced");
            }
            return new Applied(before, undo, changes, mtu);
        } catch (IOException | RuntimeException e) {
            reverse(before, undo, e);
            throw e;
        }
    }

    private NetState reloadRoutes(LinkPlan to, NetState state, List<List<String>> undo, List<String> changes)
            throws IOException {
        String dev = to.interfaceName();
        RouteTable table = to.table();
        String tableId = table.mode() == RouteTable.Mode.EXPLICIT ? table.id() : null;
        Set<Prefix> wanted = new LinkedHashSet<>();
        for (Prefix prefix : RouteOrder.sorted(to.allowedIps())) {
            if (table.mode() == RouteTable.Mode.EXPLICIT
                    || (table.mode() == RouteTable.Mode.AUTO && prefix.cidr() != 0)) {
                wanted.add(prefix);
            }
        }
        NetState current = state;
        for (NetStep step : List.copyOf(current.steps())) {
            if (step instanceof NetStep.AddRoute r && r.device().equals(dev) && Objects.equals(r.table(), tableId)
                    && !wanted.contains(r.prefix())) {
                commands.exec(step.undoCommand());
                undo.add(step.applyCommand());
                current = record(without(current, step));
                changes.add("route " + r.prefix() + " removed");
            }
        }
        for (Prefix prefix : wanted) {
            NetStep.AddRoute step = new NetStep.AddRoute(dev, prefix, tableId);
            if (current.steps().contains(step) || (tableId == null && commands.routeThroughExists(dev, prefix))) {
                continue;
            }
            commands.exec(step.applyCommand());
            undo.add(step.undoCommand());
            current = record(current.plus(step));
            changes.add("route " + prefix + " added");
        }
        return current;
    }

    private static List<String> mtuCommand(String dev, int mtu) {
        return List.of("ip", "link", "set", "mtu", Integer.toString(mtu), "dev", dev);
    }

    private static NetState without(NetState state, NetStep step) {
        List<NetStep> rest = new ArrayList<>(state.steps());
        rest.remove(step);
        return state.withSteps(rest);
    }

    private NetState record(NetState state) throws IOException {
        store.write(state);
        return state;
    }

    /** Runs {@code commands} newest first, keeps going past failures, then writes {@code before} back. */
    private void reverse(NetState before, List<List<String>> commandsDone, Exception cause) throws IOException {
        IOException first = null;
        for (int i = commandsDone.size() - 1; i >= 0; i--) {
            try {
                commands.exec(commandsDone.get(i));
            } catch (IOException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        try {
            store.write(before);
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else if (first == null) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
