package io.wgate.crypto.testing;

import io.netty.buffer.Unpooled;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;

/**
 * Finds the Netty resources that became garbage without their last {@code release()} and fails on them. Netty
 * notices such a leak only after a garbage collection has cleared its weak reference and only when it next tracks
 * a resource; {@link #collectLeaks()} forces both. {@link LeakGuardExtension} runs {@link #assertNoLeaks} after
 * each test class.
 */
public final class LeakGuard {

    /** Two collections: references cleared by the first are all queued by the time the second's sentinel is. */
    private static final int COLLECTIONS = 2;
    private static final int MAX_GC_ATTEMPTS = 20;
    private static final long SENTINEL_WAIT_MILLIS = 50;
    /** Leaks shown in full in a failure; the rest are counted (every one is also logged as Netty's LEAK line). */
    private static final int MAX_LEAKS_SHOWN = 10;

    private LeakGuard() {
    }

    /**
     * Collects garbage, makes every detector report what it found, and returns the leaks reported since the last
     * call (from any thread), oldest first.
     *
     * @throws IllegalStateException if Netty's {@code ByteBuf} leak detector is not a {@link RecordingLeakDetector}
     */
    public static List<ReportedLeak> collectLeaks() {
        requireInstalled();
        for (int i = 0; i < COLLECTIONS; i++) {
            collectGarbage();
        }
        RecordingLeakDetector.detectors().forEach(RecordingLeakDetector::poll);
        return RecordingLeakDetector.takeReported();
    }

    /**
     * Fails if {@link #collectLeaks()} finds any leak.
     *
     * @param scope what just ran, named in the failure (a test class)
     * @throws AssertionError listing the leaks with Netty's access records
     */
    public static void assertNoLeaks(String scope) {
        List<ReportedLeak> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(describe(leaks, scope));
        }
    }

    /** The failure message for {@code leaks} found after {@code scope}. */
    static String describe(List<ReportedLeak> leaks, String scope) {
        StringBuilder message = new StringBuilder()
                .append("Netty resource leak: ").append(leaks.size())
                .append(" tracked object(s) garbage-collected without release(), found after ").append(scope)
                .append(" (a leak surfaces at the first collection after its last reference is dropped,")
                .append(" so it may also come from a test that ran earlier or from a thread still running)");
        for (int i = 0; i < Math.min(leaks.size(), MAX_LEAKS_SHOWN); i++) {
            message.append(System.lineSeparator()).append("--- leak ").append(i + 1).append(": ").append(leaks.get(i));
        }
        if (leaks.size() > MAX_LEAKS_SHOWN) {
            message.append(System.lineSeparator()).append("--- and ").append(leaks.size() - MAX_LEAKS_SHOWN)
                    .append(" more: see the LEAK lines in the test log");
        }
        return message.toString();
    }

    private static void requireInstalled() {
        // Netty builds its ByteBuf detector, through the configured factory, when the first buffer class loads.
        Unpooled.buffer(1).release();
        if (RecordingLeakDetector.detectors().stream().noneMatch(d -> d.resourceType().equals("ByteBuf"))) {
            throw new IllegalStateException("Netty's ByteBuf leak detector is not a RecordingLeakDetector, so leaks"
                    + " cannot fail the tests: run them with -Dio.netty.customResourceLeakDetector="
                    + RecordingLeakDetector.class.getName() + " (the root pom's test.jvm.args)");
        }
    }

    /** Runs a full collection and waits until the references it cleared are being queued. */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        try {
            for (int attempt = 0; attempt < MAX_GC_ATTEMPTS && queue.poll() == null; attempt++) {
                System.gc();
                if (queue.remove(SENTINEL_WAIT_MILLIS) != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }
}
