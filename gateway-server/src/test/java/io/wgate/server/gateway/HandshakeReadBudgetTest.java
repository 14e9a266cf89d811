package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HandshakeReadBudget} on a hand clock: every datagram passes on, reading stops when a window's budget is spent
 * and starts again when the window ends, and a trickle under the budget never stops it.
 */
class HandshakeReadBudgetTest {

    private static final int BUDGET = 10;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final HandshakeReadBudget budget = new HandshakeReadBudget(clock::get, BUDGET);
    private final EmbeddedChannel channel = new EmbeddedChannel(budget);

    @BeforeEach
    void freezeTheLoopsClock() {
        channel.freezeTime(); // the loop's time moves with the hand clock only
    }

    @AfterEach
    void close() {
        for (Object message; (message = channel.readInbound()) != null; ) {
            ReferenceCountUtil.release(message);
        }
        channel.finishAndReleaseAll();
    }

    private void read(int datagrams) {
        for (int i = 0; i < datagrams; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0}));
        }
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aSpentBudgetStopsReadingUntilTheWindowEnds() {
        read(BUDGET - 1);
        assertTrue(channel.config().isAutoRead());
        read(1);
        assertFalse(channel.config().isAutoRead(), "the budget is spent");
        read(3); // what the last system call read still passes on
        assertEquals(BUDGET + 3, channel.inboundMessages().size(), "every datagram read passes on");
        advanceMillis(HandshakeReadBudget.WINDOW_MILLIS - 1);
        assertFalse(channel.config().isAutoRead(), "not before the window ends");
        advanceMillis(1);
        assertTrue(channel.config().isAutoRead(), "a new window");
        assertEquals(1, budget.windowsCapped());
        read(BUDGET - 1);
        assertTrue(channel.config().isAutoRead(), "the new window has a budget of its own");
        read(1);
        assertFalse(channel.config().isAutoRead());
        assertEquals(2, budget.windowsCapped());
    }

    @Test
    void aTrickleUnderTheBudgetNeverStopsReading() {
        for (int window = 0; window < 50; window++) {
            read(BUDGET - 1);
            advanceMillis(HandshakeReadBudget.WINDOW_MILLIS);
            assertTrue(channel.config().isAutoRead(), "window " + window);
        }
        assertEquals(0, budget.windowsCapped());
    }

    @Test
    void theDefaultBudgetIsAboutEightThousandASecond() {
        long perSecond = HandshakeReadBudget.DATAGRAMS_PER_WINDOW * (1000 / HandshakeReadBudget.WINDOW_MILLIS);
        assertTrue(perSecond >= 2L * io.wgate.core.Protocol.MAX_QUEUED_INCOMING_HANDSHAKES, "per second: " + perSecond);
    }
}
