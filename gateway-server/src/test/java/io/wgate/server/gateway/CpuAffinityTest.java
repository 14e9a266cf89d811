package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {

    /** What the kernel says the calling thread may run on, as in {@code /proc/thread-self/status}. */
    private static String allowedCpus() throws Exception {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElseThrow();
    }

    @Test
    void pinsOnlyTheCallingThread() throws Exception {
        String before = allowedCpus();
        String[] numbers = before.split("[,-]");
        int lastCpu = Integer.parseInt(numbers[numbers.length - 1]); // the highest CPU this process may use
        CompletableFuture<String> pinned = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                CpuAffinity.pinCurrentThread(lastCpu);
                pinned.complete(allowedCpus());
            } catch (Throwable e) {
                pinned.completeExceptionally(e);
            }
        });
        thread.start();
        assertEquals(Integer.toString(lastCpu), pinned.get(10, TimeUnit.SECONDS));
        assertEquals(before, allowedCpus(), "the test thread itself must keep its CPUs");
    }

    @Test
    void aCpuTheProcessCannotUseIsRefusedWithTheErrno() throws Exception {
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                CpuAffinity.pinCurrentThread(CpuAffinity.CPU_SET_BITS - 1); // no machine here has 1024 CPUs
                refused.complete(null);
            } catch (Throwable e) {
                refused.complete(e);
            }
        });
        thread.start();
        Throwable e = refused.get(10, TimeUnit.SECONDS);
        assertTrue(e instanceof IllegalStateException, String.valueOf(e));
        assertTrue(e.getMessage().contains("CPU 1023") && e.getMessage().contains("EINVAL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.pinCurrentThread(-1));
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.pinCurrentThread(CpuAffinity.CPU_SET_BITS));
    }
}
