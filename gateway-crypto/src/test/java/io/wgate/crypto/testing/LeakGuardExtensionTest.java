package io.wgate.crypto.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension end to end: a JUnit run that auto-detects it through its service entry, as the root pom configures
 * the suite, fails a class that leaks a buffer (its tests themselves pass) and passes one that releases it.
 */
class LeakGuardExtensionTest {

    private static volatile boolean sampleRunning;
    private static volatile String hint = "";

    @Test
    void failsTheClassAfterWhichABufferLeaked() {
        hint = "leaked on purpose by a sample class " + UUID.randomUUID();

        TestExecutionSummary summary = run(LeakingSample.class);

        assertEquals(1, summary.getTestsSucceededCount(), "the leaking test itself passes");
        assertEquals(1, summary.getTotalFailureCount(), "the class fails");
        assertEquals(1, summary.getContainersFailedCount(), "the class fails");
        Throwable failure = summary.getFailures().getFirst().getException();
        assertInstanceOf(AssertionError.class, failure);
        assertTrue(failure.getMessage().contains("found after " + LeakingSample.class.getName()), failure::getMessage);
        assertTrue(failure.getMessage().contains(hint), failure::getMessage);
    }

    @Test
    void passesTheClassThatReleasesItsBuffer() {
        TestExecutionSummary summary = run(ReleasingSample.class);

        assertEquals(1, summary.getTestsSucceededCount());
        assertEquals(0, summary.getTotalFailureCount(), () -> summary.getFailures().toString());
    }

    /** Runs {@code sample} in a launcher of its own, with the extension configured as in the root pom. */
    private static TestExecutionSummary run(Class<?> sample) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(sample))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("junit.jupiter.extensions.autodetection.include",
                        LeakGuardExtension.class.getName())
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        sampleRunning = true;
        try {
            LauncherFactory.create().execute(request, listener);
        } finally {
            sampleRunning = false;
        }
        return listener.getSummary();
    }

    /** Whether a sample class may run: only inside {@link #run}, never as part of the suite. */
    static boolean sampleRunning() {
        return sampleRunning;
    }

    @EnabledIf("io.wgate.crypto.testing.LeakGuardExtensionTest#sampleRunning")
    static class LeakingSample {
        @Test
        void dropsABufferUnreleased() {
            allocate().touch(hint);
        }
    }

    @EnabledIf("io.wgate.crypto.testing.LeakGuardExtensionTest#sampleRunning")
    static class ReleasingSample {
        @Test
        void releasesItsBuffer() {
            allocate().release();
        }
    }

    private static ByteBuf allocate() {
        return ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
