package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WgateLogManagerTest {

    /** In a JVM of its own: this test JVM's logging was initialised long before any test ran. */
    @Test
    void mainInstallsTheManagerAndLinesLoggedByAShutdownHookReachTheLog() throws Exception {
        Process captured = new ProcessBuilder(JavaProcesses.command(ShutdownLogProbe.class, List.of())).start();
        assertTrue(captured.waitFor(30, TimeUnit.SECONDS));
        String out = new String(captured.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(captured.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, captured.exitValue(), err);
        assertTrue(out.contains("manager=" + WgateLogManager.class.getName()), out);
        assertTrue(err.contains("WARNING probe: PostDown wgt-probe0: logged while stopping"), err);
    }
}
