package io.wgate.server.gateway;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a starting or running {@link Gateway} must undo, pushed step by step as things come up and run
 * newest first. Thread-safe: start-up pushes on its own thread, while the shutdown hook, a self-stop or
 * a failed start's rollback may run the steps. One thread at a time runs them, in order; another
 * caller waits until it is done (and finds nothing left), so each step runs exactly once and never
 * overlaps the next. A step that fails is logged and the rest still run.
 */
final class Teardown {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private record Step(String what, AutoCloseable action) {
    }

    private final String name;
    private final Deque<Step> steps = new ArrayDeque<>();
    private final Object running = new Object();
    private int failures;

    Teardown(String name) {
        this.name = name;
    }

    /** Adds a step to run before every step pushed earlier; {@code what} names it in the log. */
    synchronized void push(String what, AutoCloseable action) {
        steps.push(new Step(what, action));
    }

    private synchronized Step next() {
        return steps.poll();
    }

    /** Runs every step still listed, newest first, on the calling thread; returns when none is left. */
    void runAll() {
        synchronized (running) {
            runSteps();
        }
    }

    private void runSteps() {
        for (Step step = next(); step != null; step = next()) {
            LOG.log(Level.DEBUG, "{0}: {1}", name, step.what());
            try {
                step.action().close();
            } catch (Exception e) {
                synchronized (this) {
                    failures++;
                }
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.log(Level.WARNING, "{0}: {1} failed: {2}", name, step.what(), message);
            }
        }
    }

    /** Steps not yet run. */
    synchronized int size() {
        return steps.size();
    }

    /** How many steps have failed so far. */
    synchronized int failures() {
        return failures;
    }
}
