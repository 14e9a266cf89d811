package io.wgate.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Flyweight over the {@code struct ifreq} that {@code TUNSETIFF} reads and writes back.
 *
 * <pre>
 *  offset 0                16        18                          40
 *         +----------------+---------+---------------------------+
 *         | ifr_name[16]   | flags   | rest of the union (unused)|
 *         | NUL-terminated | short,  |                           |
 *         | ASCII          | native  |                           |
 *         +----------------+---------+---------------------------+
 * </pre>
 *
 * <p>{@code IFNAMSIZ} and the 40-byte size come from {@code include/uapi/linux/if.h} (the union's largest member,
 * {@code struct ifmap}, is 24 bytes on 64-bit Linux).
 */
final class Ifreq {
    /** {@code IFNAMSIZ}: name bytes including the terminating NUL. */
    static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)} on 64-bit Linux. */
    static final long SIZE = 40;
    /** Offset of {@code ifr_flags} in the union. */
    static final long FLAGS_OFFSET = 16;

    private Ifreq() {
    }

    /**
     * Allocates a zeroed ifreq in {@code arena} holding {@code name} (or an empty name, letting the kernel pick
     * {@code tunN}, when {@code name} is null) and {@code flags}.
     */
    static MemorySegment allocate(Arena arena, String name, int flags) {
        MemorySegment ifr = arena.allocate(SIZE, 8);
        encode(ifr, name, flags);
        return ifr;
    }

    /** Zeroes {@code ifr}, then writes {@code name} (validated, may be null) and {@code flags}. */
    static void encode(MemorySegment ifr, String name, int flags) {
        ifr.fill((byte) 0);
        if (name != null) {
            byte[] bytes = TunAddress.checkName(name).getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, bytes.length);
        }
        ifr.set(ValueLayout.JAVA_SHORT, FLAGS_OFFSET, (short) flags);
    }

    /** Reads the NUL-terminated interface name (the kernel writes the assigned name back on success). */
    static String name(MemorySegment ifr) {
        int length = 0;
        while (length < IFNAMSIZ && ifr.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 0, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Reads {@code ifr_flags} as an unsigned value. */
    static int flags(MemorySegment ifr) {
        return Short.toUnsignedInt(ifr.get(ValueLayout.JAVA_SHORT, FLAGS_OFFSET));
    }
}
