package io.wgate.server.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code down} half of {@link LinkSetup}: undoes what {@code up} recorded in the state file, in this
 * process or another, in two phases that bracket the removal of the link as wg-quick's
 * {@code cmd_down} does (PreDown, delete the link, PostDown):
 *
 * <ol>
 *   <li>{@link #preDown}, while the link still exists: PreDown hooks, then every recorded step undone,
 *       newest first;</li>
 *   <li>the caller removes the link (closes the TUN);</li>
 *   <li>{@link #postDown}: PostDown hooks, then the state file is deleted.</li>
 * </ol>
 *
 * Hooks run only if {@code up} had completed, and each phase's hooks at most once: the state file
 * forgets them once they ran, so a crash between the phases or a retry never repeats them. Steps that
 * find their object already gone count as done ({@link AlreadyGone}); steps that cannot be undone stay
 * in the state file for another try ({@code wgate down}). Each phase keeps going past failures and
 * reports them together.
 */
final class LinkTeardown {

    private static final System.Logger LOG = System.getLogger(LinkSetup.class.getName());

    private final HostCommands commands;
    private final NetStateStore store;

    LinkTeardown(HostCommands commands, NetStateStore store) {
        this.commands = commands;
        this.store = store;
    }

    /** Both phases, for an interface whose link is gone already or that nobody serves (a crash). */
    boolean down(String name) throws IOException {
        List<Exception> problems = new ArrayList<>();
        Optional<NetState> recorded = store.read(name);
        if (recorded.isEmpty()) {
            return false;
        }
        preDown(name, problems);
        postDown(name, problems);
        failIfAny("down " + name, name, problems);
        LOG.log(Level.INFO, "{0} is down: {1} host changes undone", name, Integer.toString(recorded.get().steps().size()));
        return true;
    }

    /** Phase 1, the link still exists: PreDown hooks and the undo of every recorded step. */
    boolean preDown(String name) throws IOException {
        List<Exception> problems = new ArrayList<>();
        boolean found = preDown(name, problems);
        failIfAny("PreDown and undo of " + name, name, problems);
        return found;
    }

    /** Phase 2, once the link is gone: PostDown hooks; the state file goes when no step is left. */
    boolean postDown(String name) throws IOException {
        List<Exception> problems = new ArrayList<>();
        boolean found = postDown(name, problems);
        failIfAny("PostDown of " + name, name, problems);
        return found;
    }

    private boolean preDown(String name, List<Exception> problems) throws IOException {
        Optional<NetState> recorded = store.read(name);
        if (recorded.isEmpty()) {
            return false;
        }
        NetState state = recorded.get();
        if (state.complete()) {
            commands.runHooksKeepGoing("PreDown", state.preDown(), name, problems);
        }
        List<NetStep> left = undo(state.steps(), problems::add);
        try {
            store.write(state.withoutPreDown().withSteps(left));
        } catch (IOException e) {
            problems.add(e);
        }
        return true;
    }

    private boolean postDown(String name, List<Exception> problems) throws IOException {
        Optional<NetState> recorded = store.read(name);
        if (recorded.isEmpty()) {
            return false;
        }
        NetState state = recorded.get();
        if (state.complete()) {
            commands.runHooksKeepGoing("PostDown", state.postDown(), name, problems);
        }
        try {
            if (state.steps().isEmpty()) {
                store.delete(name);
            } else {
                store.write(state.withoutPostDown());
            }
        } catch (IOException e) {
            problems.add(e);
        }
        return true;
    }

    /**
     * Undoes a failed {@code up}: every step in {@code state}, newest first; the state file goes, or
     * keeps what could not be undone. No down hooks (wg-quick runs none for a failed {@code up}).
     */
    void rollBack(NetState state, Consumer<Exception> problems) {
        List<NetStep> left = undo(state.steps(), problems);
        try {
            if (left.isEmpty()) {
                store.delete(state.interfaceName());
            } else {
                store.write(state.withSteps(left));
                problems.accept(new IOException(left.size() + " step(s) could not be undone; they are kept in "
                        + store.pathFor(state.interfaceName()) + " for 'wgate down " + state.interfaceName() + "'"));
            }
        } catch (IOException e) {
            problems.accept(e);
        }
    }

    /** Undoes steps newest first; returns those that could not be undone, oldest first. */
    private List<NetStep> undo(List<NetStep> steps, Consumer<Exception> problems) {
        List<NetStep> left = new ArrayList<>();
        for (NetStep step : steps.reversed()) {
            try {
                commands.exec(step.undoCommand());
            } catch (CommandFailedException e) {
                if (AlreadyGone.means(e)) {
                    LOG.log(Level.DEBUG, "already gone: {0}", e.getMessage());
                } else {
                    LOG.log(Level.WARNING, "cannot undo: {0}", e.getMessage());
                    problems.accept(e);
                    left.addFirst(step);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot undo: {0}", e.getMessage());
                problems.accept(e);
                left.addFirst(step);
            }
        }
        return left;
    }

    private void failIfAny(String what, String name, List<Exception> problems) throws IOException {
        if (problems.isEmpty()) {
            return;
        }
        int left = 0;
        try {
            left = store.read(name).map(s -> s.steps().size()).orElse(0);
        } catch (IOException e) {
            problems.add(e);
        }
        IOException e = new IOException(what + ": " + problems.size() + " problem(s), first: "
                + problems.getFirst().getMessage()
                + (left == 0 ? "" : "; " + left + " step(s) kept in " + store.pathFor(name)));
        problems.forEach(e::addSuppressed);
        throw e;
    }
}
