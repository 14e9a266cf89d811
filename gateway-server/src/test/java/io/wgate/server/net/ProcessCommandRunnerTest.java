package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));

    @Test
    void capturesStatusAndBothOutputs() throws Exception {
        CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(new CommandResult(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), 3, "out\n", "err\n"), r);
    }

    @Test
    void checkThrowsWithTheCommandStatusAndStderr() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.check(List.of("sh", "-c", "echo 'RTNETLINK answers: File exists' >&2; exit 2")));
        assertEquals("sh -c 'echo '\\''RTNETLINK answers: File exists'\\'' >&2; exit 2' failed (exit 2): "
                + "RTNETLINK answers: File exists", e.getMessage());
        assertEquals(2, e.result().exitCode());
    }

    @Test
    void standardInputIsEmpty() throws Exception {
        assertEquals("0", runner.run(List.of("sh", "-c", "wc -c")).stdout().strip());
    }

    @Test
    void aBackgroundChildHoldingOutputDoesNotBlock() throws Exception {
        CommandResult r = runner.run(List.of("sh", "-c", "sleep 30 & echo $!"));
        long child = Long.parseLong(r.stdout().strip());
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void killsACommandThatTakesTooLong() {
        ProcessCommandRunner quick = new ProcessCommandRunner(Duration.ofMillis(300));
        IOException e = assertThrows(IOException.class, () -> quick.run(List.of("sleep", "30")));
        assertTrue(e.getMessage().startsWith("sleep 30 did not finish within"), e.getMessage());
    }

    @Test
    void anInterruptKillsTheCommandAndItsChildrenBeforeItReturns(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        // A hook that started a child of its own, then waits: both must be gone when run() returns.
        List<String> command = List.of("bash", "-c", "sleep 300 & echo $$ $! > " + pids + "; wait");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            try {
                runner.run(command);
            } catch (Throwable t) {
                thrown.set(t);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        });
        hook.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(pids) || Files.readString(pids).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "the command did not start");
            Thread.sleep(20);
        }
        long[] started = Arrays.stream(Files.readString(pids).strip().split(" ")).mapToLong(Long::parseLong).toArray();

        hook.interrupt();
        hook.join(10_000);

        assertFalse(hook.isAlive(), "run() did not return after the interrupt");
        assertInstanceOf(InterruptedIOException.class, thrown.get());
        assertTrue(interruptKept.get(), "the interrupt status must stay set");
        for (long pid : started) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " survived");
        }
    }

    @Test
    void reportsAMissingProgram() {
        assertThrows(IOException.class, () -> runner.run(List.of("/nonexistent/wgt-no-such-program")));
    }
}
