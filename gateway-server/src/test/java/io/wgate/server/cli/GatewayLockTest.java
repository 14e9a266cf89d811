package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayLockTest {

    @TempDir
    Path dir;

    @Test
    void anotherProcessHoldingTheLockIsSeenWithItsPidAndItsDeathFreesTheLock() throws Exception {
        Path file = dir.resolve("run").resolve("wgt-lock0.lock");
        Process holder = JavaProcesses.fakeGateway(file, 0);
        try {
            GatewayLock.Held held = assertInstanceOf(GatewayLock.Held.class, GatewayLock.tryAcquire(file));
            assertEquals(OptionalLong.of(holder.pid()), held.pid());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no chance to release anything itself
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        }
        GatewayLock.Acquired acquired = assertInstanceOf(GatewayLock.Acquired.class, GatewayLock.tryAcquire(file));
        acquired.lock().close();
        assertTrue(Files.exists(file), "the lock file is never deleted");
    }

    @Test
    void withinOneProcessTheLockIsHeldUntilClosed() throws Exception {
        Path file = dir.resolve("wgt-lock1.lock");
        GatewayLock.Acquired first = assertInstanceOf(GatewayLock.Acquired.class, GatewayLock.tryAcquire(file));
        GatewayLock.Held again = assertInstanceOf(GatewayLock.Held.class, GatewayLock.tryAcquire(file));
        assertEquals(OptionalLong.of(ProcessHandle.current().pid()), again.pid());
        first.lock().close();
        assertInstanceOf(GatewayLock.Acquired.class, GatewayLock.tryAcquire(file)).lock().close();
    }

    @Test
    void theHolderReplacesWhatAnEarlierHolderRecorded() throws Exception {
        Path file = dir.resolve("wgt-lock2.lock");
        Files.writeString(file, "123456789\n");
        try (GatewayLock lock = ((GatewayLock.Acquired) GatewayLock.tryAcquire(file)).lock()) {
            lock.recordOwner(42);
            assertEquals(OptionalLong.of(42), GatewayLock.recordedOwner(file));
        }
        Files.writeString(file, "");
        assertEquals(OptionalLong.empty(), GatewayLock.recordedOwner(file));
    }
}
