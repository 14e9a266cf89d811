package io.wgate.crypto.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tests' Netty leak detector. With {@code -Dio.netty.customResourceLeakDetector=} this class (the root pom's
 * test argLine), Netty's {@link io.netty.util.ResourceLeakDetectorFactory} builds one per tracked type
 * ({@code ByteBuf}, {@code HashedWheelTimer}). Each leak is still logged as Netty logs it, and is also kept until
 * {@link #takeReported()} hands it to {@link LeakGuard}.
 *
 * <p>Netty looks for leaks only when it tracks a new resource; {@link #poll()} tracks a throwaway one for that.
 *
 * @param <T> the tracked type
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<RecordingLeakDetector<?>> DETECTORS = new ConcurrentLinkedQueue<>();
    private static final Queue<ReportedLeak> REPORTED = new ConcurrentLinkedQueue<>();

    private final String resourceType;

    /** The constructor Netty's factory calls (reflectively). */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        this.resourceType = resourceType.getSimpleName();
        DETECTORS.add(this);
    }

    /**
     * The factory's older constructor: Netty looks it up too and logs an error when it is missing.
     * {@code maxActive} is ignored, as Netty ignores it.
     */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Every detector Netty has built in this JVM so far. */
    static List<RecordingLeakDetector<?>> detectors() {
        return List.copyOf(DETECTORS);
    }

    /** The leaks reported since the last call, oldest first; they are forgotten here. */
    static List<ReportedLeak> takeReported() {
        List<ReportedLeak> taken = new ArrayList<>();
        for (ReportedLeak leak; (leak = REPORTED.poll()) != null; ) {
            taken.add(leak);
        }
        return taken;
    }

    /** The simple name of the type this detector tracks, such as {@code ByteBuf}. */
    String resourceType() {
        return resourceType;
    }

    /** Reports (to {@link #takeReported()}) every resource the garbage collector has found unreleased so far. */
    void poll() {
        @SuppressWarnings("unchecked") // erased: the detector only holds its tracked objects weakly
        T probe = (T) new Object();
        ResourceLeakTracker<T> tracker = trackForcibly(probe);
        tracker.close(probe);
    }

    /** Always report, even where the log would drop Netty's ERROR line. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTED.add(new ReportedLeak(resourceType, records));
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTED.add(new ReportedLeak(resourceType, ""));
        super.reportUntracedLeak(resourceType);
    }
}
