package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class IfreqTest {

    @Test
    void hasTheKernelsSizeAndOffsets() {
        assertEquals(16, Ifreq.IFNAMSIZ);
        assertEquals(40, Ifreq.SIZE);
        assertEquals(16, Ifreq.FLAGS_OFFSET);
    }

    @Test
    void encodesNulTerminatedNameThenNativeOrderFlags() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, "wg0", IfTun.IFF_TUN | IfTun.IFF_NO_PI);
            byte[] bytes = ifr.toArray(ValueLayout.JAVA_BYTE);

            byte[] expected = new byte[40];
            expected[0] = 'w';
            expected[1] = 'g';
            expected[2] = '0';
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            expected[16] = (byte) (little ? 0x01 : 0x10); // 0x1001
            expected[17] = (byte) (little ? 0x10 : 0x01);
            assertArrayEquals(expected, bytes);
        }
    }

    @Test
    void fillsAllFifteenNameBytesAndKeepsTheTerminator() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, "abcdefghijklmno", 0);
            assertEquals('o', ifr.get(ValueLayout.JAVA_BYTE, 14));
            assertEquals(0, ifr.get(ValueLayout.JAVA_BYTE, 15));
            assertEquals("abcdefghijklmno", Ifreq.name(ifr));
        }
    }

    @Test
    void leavesTheNameEmptyWhenTheKernelShouldChooseIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, null, IfTun.IFF_TUN);
            assertEquals("", Ifreq.name(ifr));
            assertEquals(IfTun.IFF_TUN, Ifreq.flags(ifr));
        }
    }

    @Test
    void readsBackTheNameAndFlagsTheKernelWrote() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, null, 0);
            ifr.setString(0, "tun7");
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) 0x5101);
            assertEquals("tun7", Ifreq.name(ifr));
            assertEquals(0x5101, Ifreq.flags(ifr));
        }
    }

    @Test
    void reEncodingClearsThePreviousContent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, "longername0", 0xffff);
            Ifreq.encode(ifr, "a", 1);
            assertEquals("a", Ifreq.name(ifr));
            assertEquals(1, Ifreq.flags(ifr));
            assertEquals(0, ifr.get(ValueLayout.JAVA_BYTE, 1));
        }
    }

    @Test
    void rejectsNamesTheKernelWouldNot() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> Ifreq.allocate(arena, "sixteen-chars-xx", 0));
            assertThrows(IllegalArgumentException.class, () -> Ifreq.allocate(arena, "", 0));
        }
    }
}
