package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutOfMemoryTest {

    private final List<Integer> halts = new CopyOnWriteArrayList<>();
    private IntConsumer previousHalt;
    private Thread.UncaughtExceptionHandler previousHandler;

    @BeforeEach
    void recordHalts() {
        previousHalt = OutOfMemory.replaceHalt(halts::add);
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    @AfterEach
    void restore() {
        OutOfMemory.replaceHalt(previousHalt);
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    /** Netty's OutOfDirectMemoryError is an OutOfMemoryError the JVM did not throw; a subclass stands in for it. */
    private static final class DirectMemoryExhausted extends OutOfMemoryError {
        DirectMemoryExhausted() {
            super("failed to allocate 4194304 byte(s) of direct memory (used: 268435456, max: 268435456)");
        }
    }

    @Test
    void anOutOfMemoryErrorAnywhereInTheCausesEndsTheProcessWithStatusThree() {
        assertTrue(OutOfMemory.check(new DirectMemoryExhausted(), "test"));
        assertTrue(OutOfMemory.check(new IllegalStateException("wrapped", new OutOfMemoryError("Java heap space")),
                "test"));
        assertEquals(List.of(3, 3), halts);
    }

    @Test
    void otherFailuresAreLeftToTheirHandlers() {
        assertFalse(OutOfMemory.check(new UncheckedIOException(new IOException("EIO")), "test"));
        assertFalse(OutOfMemory.check(null, "test"));
        assertTrue(halts.isEmpty());
    }

    @Test
    void thePipelinesExceptionHandlersEndTheProcessOnOutOfMemory() {
        EmbeddedChannel udp = new EmbeddedChannel(new UdpErrorHandler(null));
        udp.pipeline().fireExceptionCaught(new DirectMemoryExhausted());
        assertEquals(List.of(3), halts);
        udp.finishAndReleaseAll();
    }

    @Test
    void anOutOfMemoryErrorEscapingAnyThreadEndsTheProcess() throws InterruptedException {
        List<Throwable> passedOn = new CopyOnWriteArrayList<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> passedOn.add(e));
        OutOfMemory.install();
        Thread oom = new Thread(() -> {
            throw new DirectMemoryExhausted();
        }, "oom-test");
        oom.start();
        oom.join();
        Thread other = new Thread(() -> {
            throw new IllegalStateException("not memory");
        }, "other-test");
        other.start();
        other.join();
        assertEquals(List.of(3), halts);
        assertEquals(1, passedOn.size(), "the earlier handler still gets everything else");
        assertTrue(passedOn.getFirst() instanceof IllegalStateException);
    }
}
