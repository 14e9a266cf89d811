package io.wgate.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * What the machine charges for handing a cache line from one core to another: two threads pass a counter back and
 * forth (one makes it odd, the other even), so one operation is a round trip, two one-way hand-overs. Not wgate
 * code: it says how far the crypto workers' figures ({@code CryptoPipelineBenchmark}) can move on this machine, where
 * the event loop writes every packet's job and buffer on one core and a worker reads them on another (each field the
 * worker must read that the loop wrote for the packet costs one hand-over). Needs two free cores; compare machines by
 * it, and quote it next to the pipeline's figures.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreToCoreBenchmark {

    /** Even: the pinger's turn; odd: the ponger's. */
    private final AtomicLong ball = new AtomicLong();

    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void ping(Control control) {
        pass(control, 0);
    }

    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void pong(Control control) {
        pass(control, 1);
    }

    /** Waits for the turn of {@code parity}, then hands the ball over; gives up when the measurement stops. */
    private void pass(Control control, long parity) {
        long value;
        while (((value = ball.get()) & 1) != parity) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        ball.set(value + 1);
    }
}
