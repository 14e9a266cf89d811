package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reload status file that {@code wgate reload} waits for. */
class ReloadStatusTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsPrivatelyAndAtomically() throws Exception {
        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        ReloadStatus ok = new ReloadStatus(1_764_950_000_123L, true, List.of("address 10.9.0.1/24 added",
                "peer Branch (AQEB…AQE=) added"));
        ok.write(runFiles, "wg0");

        assertEquals(Optional.of(ok), ReloadStatus.read(runFiles, "wg0"));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ReloadStatus.file(runFiles, "wg0"))));
        assertEquals(List.of("wg0.reload"), Files.list(runFiles.dir()).map(p -> p.getFileName().toString()).toList());

        ReloadStatus failed = new ReloadStatus(5, false, List.of("wg0.conf:7: AllowedIPs: '10.0.0.300/24' is not"
                + " an IP prefix"));
        failed.write(runFiles, "wg0");
        assertEquals(Optional.of(failed), ReloadStatus.read(runFiles, "wg0"));

        ReloadStatus.remove(runFiles, "wg0");
        assertEquals(Optional.empty(), ReloadStatus.read(runFiles, "wg0"));
    }

    @Test
    void garbageIsNoStatus() {
        assertEquals(Optional.empty(), ReloadStatus.parse(List.of("started-ms x", "result ok")));
        assertEquals(Optional.empty(), ReloadStatus.parse(List.of("result ok")));
        assertEquals(Optional.empty(), ReloadStatus.parse(List.of("started-ms 1", "result ok", "what")));
        assertThrows(IllegalArgumentException.class, () -> new ReloadStatus(1, true, List.of("two\nlines")));
    }

    @Test
    void reloadOfAGatewayThatDoesNotRunSaysSo() {
        RunFiles runFiles = new RunFiles(dir);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = ReloadCommand.reload("rl19none", runFiles, Duration.ofSeconds(1),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
        assertEquals(1, status);
        assertEquals("wgate reload: rl19none is not running (start it with 'wgate up')\n", err.toString());
    }
}
