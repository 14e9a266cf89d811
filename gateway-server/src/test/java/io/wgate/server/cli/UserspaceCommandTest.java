package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.gateway.GatewayOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserspaceCommandTest {

    @TempDir
    Path runDir;

    @Test
    void takesTheInterfaceNameAndForegroundAsWireguardGoDoes() {
        assertEquals(new UserspaceCommand.Arguments("wg0", false), UserspaceCommand.parse(List.of("wg0")));
        assertEquals(new UserspaceCommand.Arguments("wg0", true), UserspaceCommand.parse(List.of("-f", "wg0")));
        assertEquals(new UserspaceCommand.Arguments("wg0", true),
                UserspaceCommand.parse(List.of("wg0", "--foreground")));
    }

    @Test
    void rejectsBadNamesAndExtraArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UserspaceCommand.parse(List.of()))
                .getMessage().contains("missing INTERFACE-NAME"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> UserspaceCommand.parse(List.of("much-too-long-name0"))).getMessage().contains("not a valid interface name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UserspaceCommand.parse(List.of("wg0", "wg1")))
                .getMessage().contains("unexpected argument 'wg1'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UserspaceCommand.parse(List.of("--bogus", "wg0")))
                .getMessage().contains("unexpected argument '--bogus'"));
    }

    @Test
    void aBadCommandLineSaysSoAndStartsNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UserspaceCommand.run(List.of("wg0", "extra"), new PrintStream(out), new PrintStream(err),
                new RunFiles(runDir.resolve("run")));
        assertEquals(1, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("wgate userspace: unexpected argument 'extra'"), message);
        assertTrue(message.contains(UserspaceCommand.USAGE), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertFalse(runDir.resolve("run").toFile().exists(), "run directory created");
    }

    @Test
    void settingsComeFromWgatesEnvironment() {
        UpCommand.Arguments settings = UserspaceCommand.settings("udp-gso", "3", null, null, null);
        assertFalse(settings.options().offloads().equals(GatewayOptions.defaults().offloads()));
        assertEquals(3, settings.options().cryptoWorkers());
        assertNull(settings.metrics());
        assertNull(settings.config(), "no file: nothing to save");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> UserspaceCommand.settings(null, "many", null, null, null)).getMessage()
                .contains(GatewayOptions.WORKERS_VARIABLE));
    }
}
