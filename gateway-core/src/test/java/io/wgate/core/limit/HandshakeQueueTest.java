package io.wgate.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeQueueTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress(java.net.InetAddress.ofLiteral("192.0.2.9"), 1);

    @Test
    void fifoBoundedAndOwning() {
        HandshakeQueue queue = new HandshakeQueue(16);
        List<ByteBuf> offered = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ByteBuf buf = Unpooled.buffer(1).writeByte(i);
            offered.add(buf);
            assertTrue(queue.offer(buf, SOURCE));
        }
        ByteBuf extra = Unpooled.buffer(1);
        assertFalse(queue.offer(extra, SOURCE), "full: the caller keeps the buffer");
        extra.release();
        assertTrue(queue.poll());
        assertSame(offered.get(0), queue.polledMessage());
        assertSame(SOURCE, queue.polledSender());
        queue.polledMessage().release();
        assertEquals(15, queue.clear());
        for (ByteBuf buf : offered) {
            assertEquals(0, buf.refCnt());
        }
        assertTrue(queue.isEmpty());
    }

    @Test
    void underLoadAtAnEighthAndStickyForOneSecond() {
        HandshakeQueue queue = new HandshakeQueue(64);
        long t = 1_000;
        assertFalse(queue.isUnderLoad(t));
        for (int i = 0; i < 8; i++) {
            queue.offer(Unpooled.EMPTY_BUFFER, SOURCE);
        }
        assertTrue(queue.isUnderLoad(t));
        queue.clear();
        assertTrue(queue.isUnderLoad(t + Protocol.UNDER_LOAD_AFTER_TIME_NANOS - 1), "sticky");
        assertFalse(queue.isUnderLoad(t + Protocol.UNDER_LOAD_AFTER_TIME_NANOS));
    }

    @Test
    void aSustainedRateKeepsItUnderLoadWithAnEmptyQueue() {
        HandshakeQueue queue = new HandshakeQueue(64); // under load beyond 64 messages per second
        long second = Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
        long t = 5 * second;
        for (int i = 0; i < 64; i++) {
            assertFalse(queue.takenUnderLoad(t + i, 0), "64 messages in a second: not under load");
        }
        assertTrue(queue.takenUnderLoad(t + 64, 0), "the 65th within the second: under load, queue empty");
        // A flood handled as fast as it comes: 100 messages a second for five seconds, never queued.
        long last = 0;
        for (long at = t + second; at < t + 6 * second; at += second / 100) {
            assertTrue(queue.takenUnderLoad(at, 0), "still under load at " + at);
            assertTrue(queue.isUnderLoad(at + 1), "and between messages");
            last = at;
        }
        assertTrue(queue.isUnderLoad(last + second - 1), "sticky for a second after the flood");
        assertFalse(queue.isUnderLoad(last + second), "then out");
        assertFalse(queue.takenUnderLoad(last + 3 * second, 0), "a lone message later: not under load");
    }

    @Test
    void aTrickleNeverPutsItUnderLoad() {
        HandshakeQueue queue = new HandshakeQueue(64);
        long second = Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
        for (long at = 0; at < 20 * second; at += second / 64 + 1) { // 64 a second: the threshold is more than 64
            assertFalse(queue.takenUnderLoad(at, 0), "at " + at);
        }
    }
}
