package io.wgate.tun.testing;

import io.wgate.tun.ErrnoDowncall;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the test support needs (FFM, bound and called through {@link ErrnoDowncall} where errno
 * matters), returning {@code -errno} on failure.
 */
@SuppressWarnings("restricted")
final class Syscalls {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    /** {@code CLONE_NEWNET} from linux/sched.h. */
    static final int CLONE_NEWNET = 0x40000000;

    private static final MethodHandle GETEUID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("geteuid"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = ErrnoDowncall.bind("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = ErrnoDowncall.bind("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS = ErrnoDowncall.bind("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

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
        return ErrnoDowncall.call((arena, callState) -> (int) OPEN.invokeExact(callState, arena.allocateFrom(path),
                flags));
    }

    static int close(int fd) {
        return ErrnoDowncall.call((arena, callState) -> (int) CLOSE.invokeExact(callState, fd));
    }

    static int setns(int fd, int nstype) {
        return ErrnoDowncall.call((arena, callState) -> (int) SETNS.invokeExact(callState, fd, nstype));
    }
}
