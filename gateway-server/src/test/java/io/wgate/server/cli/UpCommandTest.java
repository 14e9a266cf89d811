package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.gateway.TransportKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpCommandTest {

    @Test
    void parsesOptionsAndKeepsThemForTheBackgroundChild() {
        UpCommand.Arguments a = UpCommand.parse(List.of("--transport", "io_uring", "site.conf", "--aead", "jdk", "-f"));
        assertEquals(Path.of("site.conf"), a.config());
        assertTrue(a.foreground());
        assertEquals(TransportKind.IO_URING, a.options().transport());
        assertEquals("jdk", a.options().aead());
        assertEquals(List.of("--transport", "io_uring", "--aead", "jdk"), a.passThrough());
        assertFalse(UpCommand.parse(List.of("x.conf")).foreground());
    }

    @Test
    void rejectsMissingOrExtraArguments() {
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "b.conf")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--transport")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--transport", "nio")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--bogus")));
    }

    @Test
    void badConfigIsReportedWithFileLineAndKeyAndNothingStarts(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("wgt-bad0.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = not-a-key\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UpCommand.run(List.of(conf.toString(), "--foreground"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("wgt-bad0.conf:2: PrivateKey:"), message);
        assertFalse(Files.exists(Path.of("/sys/class/net/wgt-bad0")));
    }

    @Test
    void missingFileIsReported() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UpCommand.run(List.of("/nonexistent/wgt-none.conf"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
    }
}
