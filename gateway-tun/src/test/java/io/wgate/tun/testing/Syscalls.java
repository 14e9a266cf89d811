package io.wgate.tun.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** The few libc calls the test support needs (FFM), returning {@code -errno} on failure. */
@SuppressWarnings("restricted")
final class Syscalls {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    /** {@code CLONE_NEWNET} from linux/sched.h. */
    static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle GETEUID = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("geteuid"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);

    private Syscalls() {
    }

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid failed", t);
        }
    }

    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment captured = arena.allocate(CAPTURED);
            int rc = (int) OPEN.invokeExact(captured, arena.allocateFrom(path), flags);
            return rc >= 0 ? rc : -errno(captured);
        } catch (Throwable t) {
            throw new IllegalStateException("open failed", t);
        }
    }

    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment captured = arena.allocate(CAPTURED);
            int rc = (int) CLOSE.invokeExact(captured, fd);
            return rc >= 0 ? rc : -errno(captured);
        } catch (Throwable t) {
            throw new IllegalStateException("close failed", t);
        }
    }

    static int setns(int fd, int nstype) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment captured = arena.allocate(CAPTURED);
            int rc = (int) SETNS.invokeExact(captured, fd, nstype);
            return rc >= 0 ? rc : -errno(captured);
        } catch (Throwable t) {
            throw new IllegalStateException("setns failed", t);
        }
    }

    private static int errno(MemorySegment captured) {
        return Math.max(1, (int) ERRNO.get(captured, 0L));
    }
}
