package io.wgate.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.stream.Stream;

/**
 * libc functions called through the FFM API with {@code errno} captured by the linker, answering the Netty way:
 * the non-negative result on success, {@code -errno} on failure, so callers decide how to explain the error.
 * {@link Libc} binds its calls with it.
 *
 * <pre>{@code
 * MethodHandle close = ErrnoDowncall.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
 * int rc = ErrnoDowncall.call((arena, callState) -> (int) close.invokeExact(callState, fd));
 * }</pre>
 */
@SuppressWarnings("restricted") // FFM downcalls are this class's purpose
public final class ErrnoDowncall {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One call of a handle from {@link #bind}: the call-state segment goes first, before the C arguments. */
    @FunctionalInterface
    public interface Invocation {
        /**
         * Invokes the handle.
         *
         * @param arena     confined to the call, for arguments such as C strings
         * @param callState where the linker stores {@code errno}
         * @return the C function's {@code int} result
         */
        int invoke(Arena arena, MemorySegment callState) throws Throwable;
    }

    private ErrnoDowncall() {
    }

    /**
     * Binds libc's {@code function} with {@code errno} capture (plus any further {@code options}): the handle
     * takes the call-state segment as its first argument.
     *
     * @throws java.util.NoSuchElementException if libc has no such symbol
     */
    public static MethodHandle bind(String function, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(function), descriptor,
                Stream.concat(Stream.of(CAPTURE_ERRNO), Stream.of(options)).toArray(Linker.Option[]::new));
    }

    /**
     * Runs {@code invocation} with a fresh call-state segment.
     *
     * @return its non-negative result, or {@code -errno} ({@code -EIO} if a failing call left errno unset)
     * @throws IllegalStateException when the call itself fails (runtime exceptions and errors pass unchanged)
     */
    public static int call(Invocation invocation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = arena.allocate(CAPTURED);
            int rc = invocation.invoke(arena, callState);
            return rc >= 0 ? rc : -errno(callState);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int errno(MemorySegment callState) {
        int errno = (int) ERRNO.get(callState, 0L);
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
