package io.wgate.server.gateway;

import io.wgate.tun.ErrnoDowncall;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Keeps a handshake flood out of tunnel data's receive queue, in the kernel: the gateway listens with two UDP sockets
 * on one port ({@code SO_REUSEPORT}), and a classic BPF program attached to their group
 * ({@code SO_ATTACH_REUSEPORT_CBPF}) picks the socket for each datagram by its first word. Transport data (type 4 and
 * three zero bytes) goes to the {@linkplain #DATA_SOCKET data socket}, everything else to the
 * {@linkplain #HANDSHAKE_SOCKET handshake socket}. A flood then fills the handshake socket's small buffer and the
 * kernel drops the excess there, while tunnel data keeps its own queue and its own send buffer (cookie replies to
 * spoofed sources leave through the handshake socket, where waiting for neighbour resolution blocks nothing else).
 *
 * <p>The program runs on the UDP payload (the kernel skips the UDP header for a reuseport program, see
 * {@code reuseport_select_sock} in {@code net/core/sock_reuseport.c}). A datagram shorter than a word aborts the
 * program, which then answers 0: the data socket, whose pipeline counts it as malformed. An answer beyond the group's
 * sockets (before the handshake socket has joined) falls back to the kernel's hash, so the data socket alone gets
 * everything. Both sockets run the whole pipeline, so steering only ever changes which queue a datagram waits in.
 */
final class HandshakeSteering {

    /** The data socket's index in the reuseport group: it joins (binds) first. */
    static final int DATA_SOCKET = 0;
    /** The handshake socket's index: it joins second. */
    static final int HANDSHAKE_SOCKET = 1;
    /** The first 32-bit word of a transport data message as a BPF absolute load reads it (network byte order). */
    static final int TRANSPORT_FIRST_WORD = 0x04000000;

    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    private static final int INSTRUCTION_BYTES = 8;
    /** struct sock_fprog on LP64: u16 len, 6 bytes of padding, a pointer to the instructions. */
    private static final int PROGRAM_BYTES = 16;
    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_JMP_JEQ_K = 0x15;
    private static final int BPF_RET_K = 0x06;
    private static final MethodHandle SETSOCKOPT = ErrnoDowncall.bind("setsockopt", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** The program, one instruction per row: code, jt, jf, k. */
    static final int[][] PROGRAM = {
        {BPF_LD_W_ABS, 0, 0, 0},                      // A = the payload's first word
        {BPF_JMP_JEQ_K, 0, 1, TRANSPORT_FIRST_WORD},  // transport data? next : skip one
        {BPF_RET_K, 0, 0, DATA_SOCKET},
        {BPF_RET_K, 0, 0, HANDSHAKE_SOCKET},
    };

    private HandshakeSteering() {
    }

    /**
     * The socket index {@link #PROGRAM} answers for a datagram whose payload starts with {@code payload} (its naive
     * twin, for tests: a payload under four bytes aborts the program, which answers 0).
     */
    static int socketFor(byte[] payload) {
        if (payload.length < 4) {
            return DATA_SOCKET;
        }
        int word = (payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16 | (payload[2] & 0xff) << 8 | payload[3] & 0xff;
        return word == TRANSPORT_FIRST_WORD ? DATA_SOCKET : HANDSHAKE_SOCKET;
    }

    /**
     * Attaches {@link #PROGRAM} to the reuseport group of {@code fd}, a UDP socket bound with {@code SO_REUSEPORT}.
     *
     * @throws IllegalStateException naming the errno when the kernel refuses
     */
    static void attach(int fd) {
        int rc = ErrnoDowncall.call((arena, callState) -> {
            MemorySegment instructions = arena.allocate((long) PROGRAM.length * INSTRUCTION_BYTES, 8);
            for (int i = 0; i < PROGRAM.length; i++) {
                long at = (long) i * INSTRUCTION_BYTES;
                instructions.set(ValueLayout.JAVA_SHORT, at, (short) PROGRAM[i][0]);
                instructions.set(ValueLayout.JAVA_BYTE, at + 2, (byte) PROGRAM[i][1]);
                instructions.set(ValueLayout.JAVA_BYTE, at + 3, (byte) PROGRAM[i][2]);
                instructions.set(ValueLayout.JAVA_INT, at + 4, PROGRAM[i][3]);
            }
            MemorySegment program = arena.allocate(PROGRAM_BYTES, 8);
            program.set(ValueLayout.JAVA_SHORT, 0, (short) PROGRAM.length);
            program.set(ValueLayout.ADDRESS, 8, instructions);
            return (int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, program,
                    PROGRAM_BYTES);
        });
        if (rc < 0) {
            throw new IllegalStateException("SO_ATTACH_REUSEPORT_CBPF on the UDP socket failed: errno " + -rc);
        }
    }
}
