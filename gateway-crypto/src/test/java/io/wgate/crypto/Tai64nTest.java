package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * TAI64N encoding (whitepaper §5.4), whitening (kernel {@code noise.c}, wireguard-go {@code tai64n/tai64n.go}) and
 * ordering.
 */
class Tai64nTest {
    private static final long NANOS = 1_000_000_000L;

    @Test
    void encodesUnixSecondsAndNanoseconds() {
        // unix 1700000000 s, 0 ns: TAI64 label 2^62 + 10 + seconds (https://cr.yp.to/libtai/tai64.html).
        assertEquals("400000006553f10a00000000", Bytes.hex(Tai64n.exact(1_700_000_000L, 0)));
        assertEquals("400000000000000a00000000", Bytes.hex(Tai64n.exact(0, 0)));
        assertEquals("400000006553f10a3b9ac9ff", Bytes.hex(Tai64n.exact(1_700_000_000L, 999_999_999)));
        assertEquals("400000000000000900000001", Bytes.hex(Tai64n.exact(-1, 1)));
    }

    @Test
    void whitensTheLow24BitsOfTheNanoseconds() {
        // 123456789 = 0x075bcd15 -> 0x07000000 = 117440512 (granularity 2^24 ns, wireguard-go whitenerMask).
        assertEquals("400000006553f10a07000000", Bytes.hex(Tai64n.of(1_700_000_000L * NANOS + 123_456_789)));
        assertEquals("400000006553f10a00000000", Bytes.hex(Tai64n.of(1_700_000_000L * NANOS + 16_777_215)));
        assertEquals("400000006553f10a01000000", Bytes.hex(Tai64n.of(1_700_000_000L * NANOS + 16_777_216)));
    }

    @Test
    void handlesInstantsBeforeTheEpoch() {
        assertEquals(Bytes.hex(Tai64n.exact(-1, 999_999_999 & ~0xffffff)), Bytes.hex(Tai64n.of(-1)));
    }

    @Test
    void laterInstantsCompareGreaterAcrossTheWhitenerGranularity() {
        long t = 1_700_000_000L * NANOS;
        byte[] previous = Tai64n.of(t);
        for (long step = 0; step < 200; step++) {
            byte[] next = Tai64n.of(t + step * 20_000_000L); // 20 ms apart: one initiation per 1/50 s
            if (step > 0) {
                assertTrue(Tai64n.compare(next, previous) > 0, "step " + step);
            }
            previous = next;
        }
        assertEquals(0, Tai64n.compare(Tai64n.of(t + 1), Tai64n.of(t + 1_000_000)), "same 16.8 ms window");
    }

    @Test
    void comparesUnsignedBigEndian() {
        // Bytes at or above 0x80 must order above 0x7f (a signed compare would get these backwards).
        assertTrue(Tai64n.compare(Bytes.fromHex("400000000000000a00000080"), Bytes.fromHex("400000000000000a0000007f")) > 0);
        assertTrue(Tai64n.compare(Bytes.fromHex("c00000000000000000000000"), Bytes.fromHex("400000000000000000000000")) > 0);
        assertTrue(Tai64n.compare(Bytes.fromHex("400000000000000aff000000"), Bytes.fromHex("400000000000000b00000000")) < 0);
        byte[] stamp = Tai64n.exact(1_700_000_000L, 5);
        assertEquals(0, Tai64n.compare(stamp, stamp.clone()));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Tai64n.exact(0, 1_000_000_000));
        assertThrows(IllegalArgumentException.class, () -> Tai64n.exact(0, -1));
        assertEquals("TAI64N stamp b must be 12 bytes, got 11", assertThrows(IllegalArgumentException.class,
                () -> Tai64n.compare(new byte[12], new byte[11])).getMessage());
    }
}
