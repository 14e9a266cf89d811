package io.wgate.server.uapi;

import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the complete UAPI requests of every connection on the engine's loop, one request at a time and each in
 * slices of about {@value #SLICE_NANOS} ns, with the loop free for packets between slices: a {@code set} of fifty
 * thousand peers takes seconds of work, but never stalls the data path for more than a slice (issue "Hostile
 * input", item 4). The connections themselves (reading, framing, parsing) run on the UAPI's own thread.
 *
 * <p>Threads: {@link #submit} from any thread; everything else on the engine's loop, which owns the queue and the
 * request in progress. Requests run in the order they were submitted, so two {@code set}s never interleave and a
 * {@code get} never sees half of one.
 */
final class RequestRunner {

    private static final System.Logger LOG = System.getLogger(RequestRunner.class.getName());

    /** The longest a slice runs before the loop gets back to its packets (plus one step: a peer section). */
    static final long SLICE_NANOS = 2_000_000;

    private final String interfaceName;
    private final UapiDevice device;
    private final SetOperation setOperation;
    private final EventExecutor engineLoop;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private Queued current;

    /**
     * A request, where its answer goes and, for a {@code set} the gateway itself makes ({@link #apply}), the future
     * that learns its outcome (null for a connection's request).
     */
    private record Queued(UapiRequest request, Consumer<List<CharSequence>> answer,
                          CompletableFuture<SetSummary> outcome) {

        void fail(Exception e) {
            if (outcome != null) {
                outcome.completeExceptionally(e);
            }
        }
    }

    RequestRunner(String interfaceName, UapiDevice device, SetOperation setOperation, EventExecutor engineLoop) {
        this.interfaceName = interfaceName;
        this.device = device;
        this.setOperation = setOperation;
        this.engineLoop = engineLoop;
    }

    /**
     * Queues {@code request}. {@code answer} is called once, on the engine's loop, with the whole answer (ending in
     * {@code errno=N} and the blank line), in pieces that were never copied on the loop; it must hand them to the
     * connection's thread, which encodes them, and return. A request
     * queued while the engine's loop shuts down is dropped without an answer (its connection closes with the
     * server). Any thread.
     */
    void submit(UapiRequest request, Consumer<List<CharSequence>> answer) {
        enqueue(new Queued(request, answer, null));
    }

    /**
     * Queues a {@code set} the gateway makes itself (a reload), in turn with the connections' requests. Any thread.
     *
     * @return completes on the engine's loop with what changed, or exceptionally with the {@link UapiException} that
     *     refused it (then nothing changed), or a {@link RejectedExecutionException} when the gateway is stopping
     */
    CompletableFuture<SetSummary> apply(UapiRequest.Set request) {
        CompletableFuture<SetSummary> outcome = new CompletableFuture<>();
        enqueue(new Queued(request, text -> { }, outcome));
        return outcome;
    }

    private void enqueue(Queued queued) {
        try {
            engineLoop.execute(() -> {
                queue.add(queued);
                if (current == null) {
                    startNext();
                }
            });
        } catch (RejectedExecutionException e) {
            wipe(queued.request());
            queued.fail(e);
        }
    }

    private void startNext() {
        if (current != null) {
            return; // a request came in and started before this scheduled start ran
        }
        current = queue.poll();
        if (current == null) {
            return;
        }
        switch (current.request()) {
            case UapiRequest.Get ignored -> {
                GetOperation.Run run = GetOperation.begin(device);
                runSlices(() -> run.step(System.nanoTime() + SLICE_NANOS), () -> {
                    List<CharSequence> text = new ArrayList<>(run.text());
                    text.add(UapiHandler.errno(0));
                    return text;
                });
            }
            case UapiRequest.Set set -> {
                SetOperation.Run run = setOperation.begin(device, set);
                Queued queued = current;
                runSlices(() -> run.step(System.nanoTime() + SLICE_NANOS), () -> {
                    if (queued.outcome() != null) {
                        queued.outcome().complete(run.summary());
                    } else {
                        LOG.log(Level.INFO, "{0}: UAPI set applied: {1}", interfaceName, run.summary().describe());
                    }
                    return List.of(UapiHandler.errno(0));
                });
            }
        }
    }

    /** One slice of work; true when the request is done. */
    private interface Slice {
        boolean run() throws UapiException;
    }

    /** The answer of a finished request. */
    private interface Answer {
        List<CharSequence> text();
    }

    private void runSlices(Slice slice, Answer answer) {
        boolean done;
        try {
            done = slice.run();
        } catch (UapiException e) {
            if (current.outcome() == null) {
                LOG.log(Level.WARNING, "{0}: UAPI set rejected (errno={1}): {2}", interfaceName, e.errno(),
                        e.getMessage());
            }
            current.fail(e);
            finish(List.of(UapiHandler.errno(e.errno())));
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, interfaceName + ": UAPI " + kind() + " failed unexpectedly", e);
            current.fail(e);
            finish(List.of(UapiHandler.errno(UapiException.UNKNOWN)));
            return;
        }
        if (done) {
            finish(answer.text());
            return;
        }
        try {
            // Scheduled, not executed: a scheduled task waits for the loop's next I/O round, an executed one may run
            // in this round's task batch, before any packet.
            engineLoop.schedule(() -> runSlices(slice, answer), 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            wipe(current.request()); // the gateway is stopping; the connection closes with it
            current.fail(e);
            current = null;
        }
    }

    private String kind() {
        return current.request() instanceof UapiRequest.Set ? "set" : "get";
    }

    private void finish(List<CharSequence> text) {
        Queued done = current;
        wipe(done.request());
        current = null;
        done.answer().accept(text);
        if (!queue.isEmpty()) {
            try {
                engineLoop.schedule(this::startNext, 0, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                queue.forEach(q -> {
                    wipe(q.request());
                    q.fail(e);
                });
                queue.clear();
            }
        }
    }

    private static void wipe(UapiRequest request) {
        if (request instanceof UapiRequest.Set set) {
            set.wipeKeys(); // the engine holds its own copies now
        }
    }
}
