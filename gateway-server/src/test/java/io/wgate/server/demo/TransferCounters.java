package io.wgate.server.demo;

import io.wgate.server.uapi.PeerStatus;
import java.io.IOException;
import java.time.Duration;

/**
 * Both gateways' per-peer byte counters read through UAPI at (nearly) one moment: what the Main Office
 * sent to and received from the Satellite, and the reverse.
 */
record TransferCounters(long mainTx, long mainRx, long satelliteTx, long satelliteRx) {

    static TransferCounters read(TwoOffices offices) throws IOException {
        PeerStatus main = offices.main().peer();
        PeerStatus satellite = offices.satellite().peer();
        return new TransferCounters(main.txBytes(), main.rxBytes(), satellite.txBytes(), satellite.rxBytes());
    }

    /**
     * Reads until two readings 300 ms apart agree (nothing in flight), at most {@code timeout}; returns
     * the last reading either way.
     */
    static TransferCounters settled(TwoOffices offices, Duration timeout) throws IOException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        TransferCounters previous = read(offices);
        while (true) {
            Thread.sleep(300);
            TransferCounters current = read(offices);
            if (current.equals(previous) || System.nanoTime() - deadlineNanos > 0) {
                return current;
            }
            previous = current;
        }
    }

    @Override
    public String toString() {
        return "Main tx " + mainTx + " rx " + mainRx + ", Satellite tx " + satelliteTx + " rx " + satelliteRx;
    }
}
