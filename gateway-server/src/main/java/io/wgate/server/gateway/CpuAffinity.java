package io.wgate.server.gateway;

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
 * Pins the calling thread to one CPU with {@code sched_setaffinity(2)} through the FFM API (pid 0 = the calling
 * thread; the mask is a {@code cpu_set_t} of {@value #CPU_SET_BITS} bits, glibc's {@code CPU_SETSIZE}).
 */
final class CpuAffinity {

    /** glibc's CPU_SETSIZE: bits in a cpu_set_t. */
    static final int CPU_SET_BITS = 1024;
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SCHED_SETAFFINITY;

    static {
        Linker linker = Linker.nativeLinker();
        SCHED_SETAFFINITY = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setaffinity"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    private CpuAffinity() {
    }

    /**
     * Restricts the calling thread to {@code cpu}.
     *
     * @throws IllegalArgumentException if {@code cpu} is outside 0..{@value #CPU_SET_BITS}-1
     * @throws IllegalStateException naming the CPU and errno when the kernel refuses (e.g. EINVAL for a CPU that is
     *     offline or outside the process's cpuset)
     */
    static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BITS) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (CPU_SET_BITS - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BITS / 8, 8);
            mask.set(ValueLayout.JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            MemorySegment state = arena.allocate(CAPTURED);
            int result = (int) SCHED_SETAFFINITY.invokeExact(state, 0, (long) (CPU_SET_BITS / 8), mask);
            if (result != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed: errno " + errno
                        + (errno == 22 ? " (EINVAL: the CPU is offline or not allowed to this process)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed", e);
        }
    }
}
