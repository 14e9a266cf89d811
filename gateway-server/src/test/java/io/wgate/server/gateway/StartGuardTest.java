package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StartGuardTest {

    @Test
    void anAbortInterruptsTheStartAndWaitsForItsRollback() throws Exception {
        StartGuard guard = new StartGuard();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean rolledBack = new AtomicBoolean();
        Thread starter = new Thread(() -> {
            assertTrue(guard.begin());
            try {
                started.countDown();
                Thread.sleep(60_000); // a hook, a DNS retry, a wait on the event loop
            } catch (InterruptedException e) {
                guard.rollingBack();
                try {
                    Thread.sleep(300); // the rollback takes a while and must not be cut short
                    rolledBack.set(true);
                } catch (InterruptedException again) {
                    // would leave things behind
                }
            } finally {
                guard.end();
            }
        });
        starter.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));

        assertTrue(guard.abortAndAwait(Duration.ofSeconds(10)));
        assertTrue(rolledBack.get(), "abortAndAwait returned before the rollback finished");
        assertTrue(guard.abortAndAwait(Duration.ofSeconds(10)), "a second stop request just returns");
        starter.join(10_000);
    }

    @Test
    void aStartAfterAnAbortDoesNotBegin() {
        StartGuard guard = new StartGuard();
        assertTrue(guard.abortAndAwait(Duration.ofSeconds(1)));
        assertFalse(guard.begin());
        assertThrows(StartGuard.AbortedException.class, guard::checkNotAborted);
    }

    @Test
    void aStartThatIsAlreadyRollingBackIsNotInterrupted() throws Exception {
        StartGuard guard = new StartGuard();
        CountDownLatch rollingBack = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread starter = new Thread(() -> {
            guard.begin();
            guard.rollingBack();
            rollingBack.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                interrupted.set(true);
            } finally {
                guard.end();
            }
        });
        starter.start();
        assertTrue(rollingBack.await(10, TimeUnit.SECONDS));
        assertTrue(guard.abortAndAwait(Duration.ofSeconds(10)));
        assertFalse(interrupted.get());
    }
}
