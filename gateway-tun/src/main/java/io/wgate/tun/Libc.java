package io.wgate.tun;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls needed to create a TUN queue, bound through the FFM API ({@code java.lang.foreign}, final
 * since JDK 22) by {@link ErrnoDowncall}, with {@code errno} captured by the linker.
 *
 * <p>Both return the non-negative result on success and {@code -errno} on failure (the Netty convention), so
 * callers decide how to explain the error. Reads and writes do not come here: they go through Netty's
 * {@code io.netty.channel.unix.FileDescriptor}. The JVM must allow native access for this module
 * ({@code --enable-native-access=ALL-UNNAMED} or the manifest attribute {@code Enable-Native-Access}).
 */
final class Libc {
    /** {@code O_RDWR}, {@code O_NONBLOCK} (04000), {@code O_CLOEXEC} (02000000) from asm-generic/fcntl.h. */
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    /** {@code int open(const char *path, int flags, ...)}, called without the optional mode argument. */
    private static final MethodHandle OPEN = ErrnoDowncall.bind("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** {@code int ioctl(int fd, unsigned long request, ...)} with one pointer as the first variadic argument. */
    private static final MethodHandle IOCTL_POINTER = ErrnoDowncall.bind("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));

    /** {@code int ioctl(int fd, unsigned long request, ...)} with one integer passed by value (TUNSETOFFLOAD). */
    private static final MethodHandle IOCTL_VALUE = ErrnoDowncall.bind("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(2));

    private Libc() {
    }

    /** {@code open(path, flags)}: the new fd, or {@code -errno}. */
    static int open(String path, int flags) {
        return ErrnoDowncall.call((arena, callState) -> (int) OPEN.invokeExact(callState, arena.allocateFrom(path),
                flags));
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument: the result, or {@code -errno}. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        return ErrnoDowncall.call((arena, callState) -> (int) IOCTL_POINTER.invokeExact(callState, fd, request, arg));
    }

    /** {@code ioctl(fd, request, value)} with the argument passed by value: the result, or {@code -errno}. */
    static int ioctl(int fd, long request, long value) {
        return ErrnoDowncall.call((arena, callState) -> (int) IOCTL_VALUE.invokeExact(callState, fd, request,
                value));
    }
}
