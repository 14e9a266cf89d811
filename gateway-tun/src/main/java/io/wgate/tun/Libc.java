package io.wgate.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The two libc calls needed to create a TUN queue, bound through the FFM API ({@code java.lang.foreign}, final
 * since JDK 22), with {@code errno} captured by the linker.
 *
 * <p>Both return the non-negative result on success and {@code -errno} on failure (the Netty convention), so
 * callers decide how to explain the error. Reads and writes do not come here: they go through Netty's
 * {@code io.netty.channel.unix.FileDescriptor}. The JVM must allow native access for this module
 * ({@code --enable-native-access=ALL-UNNAMED} or the manifest attribute {@code Enable-Native-Access}).
 */
@SuppressWarnings("restricted") // FFM downcalls are this class's purpose
final class Libc {
    /** {@code O_RDWR}, {@code O_NONBLOCK} (04000), {@code O_CLOEXEC} (02000000) from asm-generic/fcntl.h. */
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** {@code int open(const char *path, int flags, ...)}, called without the optional mode argument. */
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);

    /** {@code int ioctl(int fd, unsigned long request, ...)} with one pointer as the first variadic argument. */
    private static final MethodHandle IOCTL_POINTER = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("ioctl"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));

    private Libc() {
    }

    /** {@code open(path, flags)}: the new fd, or {@code -errno}. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment captured = arena.allocate(CAPTURED);
            int rc = (int) OPEN.invokeExact(captured, arena.allocateFrom(path), flags);
            return rc >= 0 ? rc : -errno(captured);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument: the result, or {@code -errno}. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment captured = arena.allocate(CAPTURED);
            int rc = (int) IOCTL_POINTER.invokeExact(captured, fd, request, arg);
            return rc >= 0 ? rc : -errno(captured);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int errno(MemorySegment captured) {
        int errno = (int) ERRNO.get(captured, 0L);
        return errno > 0 ? errno : Errno.EIO; // a failing call always sets errno; stay negative regardless
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
