package io.wgate.core.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StagedPacketsTest {

    /** Every buffer a test creates, to check that each ends with refCnt() == 0. */
    private final List<ByteBuf> created = new ArrayList<>();

    @AfterEach
    void everyPacketWasReleasedExactlyOnce() {
        for (ByteBuf buf : created) {
            assertEquals(0, buf.refCnt(), "leaked packet " + buf);
        }
    }

    @Test
    void kernelCapacity() {
        assertEquals(128, StagedPackets.MAX_STAGED_PACKETS);
        assertEquals(128, new StagedPackets(StagedPackets.MAX_STAGED_PACKETS).capacity());
    }

    @Test
    void pollsInArrivalOrderAndHandsOverOwnership() {
        StagedPackets staged = new StagedPackets(4);
        ByteBuf a = packet(1);
        ByteBuf b = packet(2);
        assertFalse(staged.add(a));
        assertFalse(staged.add(b));
        assertEquals(2, staged.size());
        ByteBuf first = staged.poll();
        assertSame(a, first);
        assertEquals(1, first.refCnt(), "the queue does not release what it hands out");
        first.release();
        assertSame(b, staged.poll());
        b.release();
        assertNull(staged.poll());
        assertTrue(staged.isEmpty());
    }

    @Test
    void dropsAndReleasesOldestWhenFull() {
        StagedPackets staged = new StagedPackets(3);
        ByteBuf p1 = packet(1);
        staged.add(p1);
        staged.add(packet(2));
        staged.add(packet(3));
        assertTrue(staged.add(packet(4)), "a drop is reported");
        assertEquals(0, p1.refCnt(), "the oldest packet was released");
        assertEquals(3, staged.size());
        assertEquals(List.of(2, 3, 4), drain(staged));
    }

    @Test
    void keepsFifoOrderAcrossManyWrapArounds() {
        StagedPackets staged = new StagedPackets(5);
        int nextIn = 0;
        int nextOut = 0;
        for (int round = 0; round < 100; round++) {
            int adds = round % 7;
            for (int i = 0; i < adds; i++) {
                boolean dropped = staged.add(packet(nextIn++));
                if (dropped) {
                    nextOut++;
                }
            }
            int polls = round % 3;
            for (int i = 0; i < polls && !staged.isEmpty(); i++) {
                ByteBuf p = staged.poll();
                assertEquals(nextOut++, p.getInt(0));
                p.release();
            }
        }
        assertEquals(nextIn - nextOut, staged.size());
        staged.clear();
    }

    @Test
    void clearReleasesEverythingAndCounts() {
        StagedPackets staged = new StagedPackets(StagedPackets.MAX_STAGED_PACKETS);
        for (int i = 0; i < 200; i++) {
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(i);
            created.add(direct);
            staged.add(direct);
        }
        assertEquals(128, staged.clear());
        assertTrue(staged.isEmpty());
        assertEquals(0, staged.clear());
        assertFalse(staged.add(packet(7)), "usable after clear");
        assertEquals(List.of(7), drain(staged));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new StagedPackets(0));
        assertThrows(NullPointerException.class, () -> new StagedPackets(1).add(null));
    }

    private ByteBuf packet(int id) {
        ByteBuf buf = Unpooled.buffer(4).writeInt(id);
        created.add(buf);
        return buf;
    }

    private static List<Integer> drain(StagedPackets staged) {
        List<Integer> ids = new ArrayList<>();
        for (ByteBuf p = staged.poll(); p != null; p = staged.poll()) {
            ids.add(p.getInt(0));
            p.release();
        }
        return ids;
    }
}
