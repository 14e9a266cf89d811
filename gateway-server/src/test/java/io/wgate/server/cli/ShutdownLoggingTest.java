package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownLoggingTest {

    @Test
    void aResetWaitsForTheLastHoldAndRunsOnce() {
        AtomicInteger resets = new AtomicInteger();
        assertFalse(ShutdownLogging.defer(resets::incrementAndGet), "no hold: reset at once");

        ShutdownLogging.Hold first = ShutdownLogging.hold();
        ShutdownLogging.Hold second = ShutdownLogging.hold();
        assertTrue(ShutdownLogging.defer(resets::incrementAndGet));
        first.close();
        first.close();
        assertEquals(0, resets.get(), "a hold is still open");
        second.close();
        assertEquals(1, resets.get());
        second.close();
        assertEquals(1, resets.get());
    }
}
