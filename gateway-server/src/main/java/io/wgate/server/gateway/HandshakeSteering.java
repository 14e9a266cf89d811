package io.wgate.server.gateway;

import io.wgate.tun.ErrnoDowncall;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a handshake flood out of tunnel data's receive queue, in the kernel: the gateway listens with two UDP sockets
 * on one port ({@code SO_REUSEPORT}), and a classic BPF program attached to their group
 * ({@code SO_ATTACH_REUSEPORT_CBPF}) picks the socket for each datagram by its first word and its source address.
 * Transport data (type 4 and
 * three zero bytes) goes to the {@linkplain #DATA_SOCKET data socket}, everything else to the
 * {@linkplain #HANDSHAKE_SOCKET handshake socket}. A flood then fills the handshake socket's small buffer and the
 * kernel drops the excess there, while tunnel data keeps its own queue and its own send buffer (cookie replies to
 * spoofed sources leave through the handshake socket, where waiting for neighbour resolution blocks nothing else).
 *
 * <p>A priority lane: handshake messages from the address of one of our peers' endpoints go to the data socket too
 * ({@link #program(List)}), so a flood of spoofed sources, which overflows the handshake socket, never holds up a
 * known peer's handshake (a peer restarted during a flood, a rekey), nor does the cap on what the gateway reads from
 * the handshake socket ({@link HandshakeReadBudget}). The gateway keeps the list current
 * ({@link PriorityLane}); it holds at most {@value #MAX_PRIORITY_ADDRESSES} addresses.
 *
 * <p>The program runs on the UDP payload (the kernel skips the UDP header for a reuseport program, see
 * {@code reuseport_select_sock} in {@code net/core/sock_reuseport.c}); the source address is read from the IP header
 * through the classic BPF network-header offset ({@code SKF_NET_OFF}, {@code include/uapi/linux/filter.h}): IPv4's at
 * byte 12, IPv6's at byte 8 (RFC 791, RFC 8200). A datagram shorter than a word aborts the program, which then answers
 * 0: the data socket, whose pipeline counts it as malformed. An answer beyond the group's sockets (before the
 * handshake socket has joined) falls back to the kernel's hash, so the data socket alone gets everything. Both
 * sockets run the whole pipeline, so steering only ever changes which queue a datagram waits in.
 */
final class HandshakeSteering {

    /** The data socket's index in the reuseport group: it joins (binds) first. */
    static final int DATA_SOCKET = 0;
    /** The handshake socket's index: it joins second. */
    static final int HANDSHAKE_SOCKET = 1;
    /** The first 32-bit word of a transport data message as a BPF absolute load reads it (network byte order). */
    static final int TRANSPORT_FIRST_WORD = 0x04000000;

    /** The most peer addresses the priority lane holds (a program of at most about 2 300 instructions). */
    static final int MAX_PRIORITY_ADDRESSES = 256;

    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    private static final int INSTRUCTION_BYTES = 8;
    /** struct sock_fprog on LP64: u16 len, 6 bytes of padding, a pointer to the instructions. */
    private static final int PROGRAM_BYTES = 16;
    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_LD_B_ABS = 0x30;
    private static final int BPF_ALU_RSH_K = 0x74;
    private static final int BPF_JMP_JA = 0x05;
    private static final int BPF_JMP_JEQ_K = 0x15;
    private static final int BPF_RET_K = 0x06;
    /** Absolute loads at this offset and beyond read the network (IP) header: {@code SKF_NET_OFF}. */
    private static final int SKF_NET_OFF = -0x100000;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV6_SOURCE_OFFSET = 8;
    private static final MethodHandle SETSOCKOPT = ErrnoDowncall.bind("setsockopt", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** The program without a priority lane, one instruction per row: code, jt, jf, k. */
    static final int[][] PROGRAM = program(List.of());

    private HandshakeSteering() {
    }

    /**
     * The program, one instruction per row (code, jt, jf, k): transport data, and any datagram from one of
     * {@code priority} (at most {@value #MAX_PRIORITY_ADDRESSES}), to the data socket; the rest to the handshake
     * socket. Without addresses it is four instructions: load the first word, compare, answer.
     *
     * @throws IllegalArgumentException for more than {@value #MAX_PRIORITY_ADDRESSES} addresses
     */
    static int[][] program(List<InetAddress> priority) {
        if (priority.size() > MAX_PRIORITY_ADDRESSES) {
            throw new IllegalArgumentException("the priority lane holds at most " + MAX_PRIORITY_ADDRESSES
                    + " addresses, not " + priority.size());
        }
        List<int[]> code = new ArrayList<>();
        code.add(new int[] {BPF_LD_W_ABS, 0, 0, 0});                     // A = the payload's first word
        code.add(new int[] {BPF_JMP_JEQ_K, 0, 1, TRANSPORT_FIRST_WORD}); // transport data? next : skip one
        code.add(new int[] {BPF_RET_K, 0, 0, DATA_SOCKET});
        if (priority.isEmpty()) {
            code.add(new int[] {BPF_RET_K, 0, 0, HANDSHAKE_SOCKET});
            return code.toArray(int[][]::new);
        }
        code.add(new int[] {BPF_LD_B_ABS, 0, 0, SKF_NET_OFF});           // A = the IP header's first byte
        code.add(new int[] {BPF_ALU_RSH_K, 0, 0, 4});                    // A = the IP version
        code.add(new int[] {BPF_JMP_JEQ_K, 1, 0, 4});                    // IPv4? skip the jump to the IPv6 part
        int jumpToIpv6 = code.size();
        code.add(new int[] {BPF_JMP_JA, 0, 0, 0});                       // k set below: a jump of up to 2^32
        code.add(new int[] {BPF_LD_W_ABS, 0, 0, SKF_NET_OFF + IPV4_SOURCE_OFFSET});
        for (InetAddress address : priority) {
            if (address instanceof Inet4Address) {
                code.add(new int[] {BPF_JMP_JEQ_K, 0, 1, word(address.getAddress(), 0)});
                code.add(new int[] {BPF_RET_K, 0, 0, DATA_SOCKET});
            }
        }
        code.add(new int[] {BPF_RET_K, 0, 0, HANDSHAKE_SOCKET});
        code.get(jumpToIpv6)[3] = code.size() - jumpToIpv6 - 1;
        for (InetAddress address : priority) {
            if (address instanceof Inet6Address) { // nine instructions: a mismatch in word w skips to the next address
                byte[] bytes = address.getAddress();
                for (int w = 0; w < 4; w++) {
                    code.add(new int[] {BPF_LD_W_ABS, 0, 0, SKF_NET_OFF + IPV6_SOURCE_OFFSET + 4 * w});
                    code.add(new int[] {BPF_JMP_JEQ_K, 0, 7 - 2 * w, word(bytes, 4 * w)});
                }
                code.add(new int[] {BPF_RET_K, 0, 0, DATA_SOCKET});
            }
        }
        code.add(new int[] {BPF_RET_K, 0, 0, HANDSHAKE_SOCKET});
        return code.toArray(int[][]::new);
    }

    private static int word(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | bytes[at + 3] & 0xff;
    }

    /**
     * The socket index {@link #PROGRAM} answers for a datagram whose payload starts with {@code payload} (its naive
     * twin, for tests: a payload under four bytes aborts the program, which answers 0).
     */
    static int socketFor(byte[] payload) {
        return socketFor(payload, null, List.of());
    }

    /**
     * The socket index {@link #program program(priority)} answers for a datagram from {@code source} whose payload
     * starts with {@code payload}: its naive twin, for tests.
     */
    static int socketFor(byte[] payload, InetAddress source, List<InetAddress> priority) {
        if (payload.length < 4 || word(payload, 0) == TRANSPORT_FIRST_WORD) {
            return DATA_SOCKET;
        }
        return source != null && priority.contains(source) ? DATA_SOCKET : HANDSHAKE_SOCKET;
    }

    /**
     * Attaches {@link #PROGRAM} to the reuseport group of {@code fd}, a UDP socket bound with {@code SO_REUSEPORT}.
     *
     * @throws IllegalStateException naming the errno when the kernel refuses
     */
    static void attach(int fd) {
        attach(fd, PROGRAM);
    }

    /**
     * Attaches {@code program} (from {@link #program}) to the reuseport group of {@code fd}, replacing the one there;
     * when the kernel refuses, the one there stays.
     *
     * @throws IllegalStateException naming the errno when the kernel refuses
     */
    static void attach(int fd, int[][] program) {
        int rc = ErrnoDowncall.call((arena, callState) -> {
            MemorySegment instructions = arena.allocate((long) program.length * INSTRUCTION_BYTES, 8);
            for (int i = 0; i < program.length; i++) {
                long at = (long) i * INSTRUCTION_BYTES;
                instructions.set(ValueLayout.JAVA_SHORT, at, (short) program[i][0]);
                instructions.set(ValueLayout.JAVA_BYTE, at + 2, (byte) program[i][1]);
                instructions.set(ValueLayout.JAVA_BYTE, at + 3, (byte) program[i][2]);
                instructions.set(ValueLayout.JAVA_INT, at + 4, program[i][3]);
            }
            MemorySegment fprog = arena.allocate(PROGRAM_BYTES, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            fprog.set(ValueLayout.ADDRESS, 8, instructions);
            return (int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog,
                    PROGRAM_BYTES);
        });
        if (rc < 0) {
            throw new IllegalStateException("SO_ATTACH_REUSEPORT_CBPF on the UDP socket failed: errno " + -rc);
        }
    }
}
