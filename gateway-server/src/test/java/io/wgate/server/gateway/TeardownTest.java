package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TeardownTest {

    @Test
    void runsNewestFirstAndGoesOnPastAFailure() {
        List<String> ran = new ArrayList<>();
        Teardown teardown = new Teardown("wgt-td0");
        teardown.push("first", () -> ran.add("first"));
        teardown.push("broken", () -> {
            ran.add("broken");
            throw new IOException("boom");
        });
        teardown.push("last", () -> ran.add("last"));

        teardown.runAll();
        teardown.runAll();

        assertEquals(List.of("last", "broken", "first"), ran);
        assertEquals(1, teardown.failures());
        assertEquals(0, teardown.size());
    }

    /** The shutdown hook and a failed start's rollback may both run it: every step once, in order, never overlapping. */
    @Test
    void twoThreadsRunEveryStepOnceInOrder() throws Exception {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        Teardown teardown = new Teardown("wgt-td1");
        CountDownLatch firstStepRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 50; i++) {
            String step = "step" + i;
            teardown.push(step, () -> ran.add(step));
        }
        teardown.push("slow", () -> {
            ran.add("slow");
            firstStepRunning.countDown();
            release.await(10, TimeUnit.SECONDS);
            ran.add("slow done");
        });
        Thread other = new Thread(teardown::runAll);
        other.start();
        assertTrue(firstStepRunning.await(10, TimeUnit.SECONDS));
        Thread second = new Thread(teardown::runAll);
        second.start();
        Thread.sleep(100); // the second caller must wait instead of running the next steps meanwhile
        release.countDown();
        other.join(10_000);
        second.join(10_000);

        List<String> expected = new ArrayList<>(List.of("slow", "slow done"));
        for (int i = 49; i >= 0; i--) {
            expected.add("step" + i);
        }
        assertEquals(expected, ran);
    }
}
