package io.wgate.crypto.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The leak guard on real leaks: a buffer dropped without {@code release()} is reported with its records and fails
 * {@link LeakGuard#assertNoLeaks}; a released one is not. Each test takes the leaks it makes, so the guard's own run
 * after this class stays green.
 */
class LeakGuardTest {

    @BeforeEach
    void startsClean() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "tests run with -Dio.netty.leakDetection.level=paranoid (root pom test.jvm.args)");
        assertEquals(List.of(), LeakGuard.collectLeaks(), "leaks reported before this test");
    }

    static Stream<Arguments> allocators() {
        return Stream.of(
                // Netty does not track unpooled heap buffers: the garbage collector frees them.
                Arguments.of("unpooled direct", new UnpooledByteBufAllocator(true), true),
                Arguments.of("pooled heap", PooledByteBufAllocator.DEFAULT, false),
                Arguments.of("pooled direct", PooledByteBufAllocator.DEFAULT, true),
                Arguments.of("adaptive direct", new AdaptiveByteBufAllocator(), true),
                Arguments.of("default direct", ByteBufAllocator.DEFAULT, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void reportsBufferCollectedWithoutRelease(String name, ByteBufAllocator allocator, boolean direct) {
        String hint = "leaked on purpose: " + name + " " + UUID.randomUUID();
        leak(allocator, direct, hint);

        List<ReportedLeak> leaks = LeakGuard.collectLeaks();

        assertEquals(1, leaks.size(), () -> "leaks: " + leaks);
        assertEquals("ByteBuf", leaks.getFirst().resourceType());
        assertTrue(leaks.getFirst().records().contains(hint), () -> "the touch hint is in the records: " + leaks);
        assertTrue(leaks.getFirst().records().contains(LeakGuardTest.class.getName() + ".leak("),
                () -> "the allocation site is in the records: " + leaks);
    }

    @Test
    void releasedBufferIsNotReported() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(42);
        buffer.release();

        assertEquals(List.of(), LeakGuard.collectLeaks());
    }

    @Test
    void assertNoLeaksFailsNamingScopeAndLeak() {
        String hint = "leaked on purpose: failure message " + UUID.randomUUID();
        leak(ByteBufAllocator.DEFAULT, true, hint);

        AssertionError failure = assertThrows(AssertionError.class, () -> LeakGuard.assertNoLeaks("LeakGuardTest"));

        System.out.println("LeakGuardTest: the guard's failure for a deliberate leak:\n" + failure.getMessage());
        String message = failure.getMessage();
        assertTrue(message.startsWith("Netty resource leak: 1 tracked object(s) garbage-collected without release(),"
                + " found after LeakGuardTest"), message);
        assertTrue(message.contains("ByteBuf.release() was not called before it was garbage-collected."), message);
        assertTrue(message.contains(hint), message);
        assertEquals(List.of(), LeakGuard.collectLeaks(), "a reported leak is reported once");
    }

    @Test
    void assertNoLeaksPassesWithoutLeak() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.heapBuffer(8);
        buffer.release();

        LeakGuard.assertNoLeaks("LeakGuardTest");
    }

    /** Allocates a buffer, touches it with {@code hint} and drops it unreleased (in its own frame, so it is garbage). */
    private static void leak(ByteBufAllocator allocator, boolean direct, String hint) {
        ByteBuf buffer = direct ? allocator.directBuffer(64) : allocator.heapBuffer(64);
        buffer.writeLong(42);
        buffer.touch(hint);
    }
}
