package io.wgate.server.gateway;

import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.wgate.tun.ErrnoDowncall;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Datagrams the kernel dropped at one UDP socket (its receive queue was full, or a socket filter refused them):
 * {@code SK_MEMINFO_DROPS} of {@code getsockopt(SOL_SOCKET, SO_MEMINFO)}, the counter {@code ss -m} shows as
 * {@code d}. Read from any thread (a system call, no state of ours); epoll sockets only.
 */
final class SocketDrops {

    private static final int SOL_SOCKET = 1;
    private static final int SO_MEMINFO = 55;
    /** SK_MEMINFO_VARS: the u32 values SO_MEMINFO answers with; SK_MEMINFO_DROPS is the last. */
    private static final int MEMINFO_VALUES = 9;
    private static final int DROPS_INDEX = 8;
    private static final MethodHandle GETSOCKOPT = ErrnoDowncall.bind("getsockopt", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private SocketDrops() {
    }

    /**
     * The drops of {@code channel} so far; 0 for a channel that is null, closed or not epoll, or when the kernel does
     * not answer (a counter that cannot be read counts nothing).
     */
    static long of(DatagramChannel channel) {
        if (!(channel instanceof EpollDatagramChannel epoll) || !channel.isOpen()) {
            return 0;
        }
        int fd = epoll.fd().intValue();
        long[] drops = new long[1];
        int rc = ErrnoDowncall.call((arena, callState) -> {
            MemorySegment values = arena.allocate((long) MEMINFO_VALUES * Integer.BYTES, Integer.BYTES);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, MEMINFO_VALUES * Integer.BYTES);
            int result = (int) GETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_MEMINFO, values, length);
            if (result == 0 && length.get(ValueLayout.JAVA_INT, 0) >= (DROPS_INDEX + 1) * Integer.BYTES) {
                drops[0] = Integer.toUnsignedLong(values.getAtIndex(ValueLayout.JAVA_INT, DROPS_INDEX));
            }
            return result;
        });
        return rc < 0 ? 0 : drops[0];
    }
}
