package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    void reportsAMissingProgram() {
        assertThrows(IOException.class, () -> runner.run(List.of("/nonexistent/wgt-no-such-program")));
    }
}
