package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {

    @Test
    void aPermissionProblemSaysWhatWgateNeeds() {
        Path log = Path.of("/run/wgate/wgt-rf0.log");
        assertEquals("cannot open /run/wgate/wgt-rf0.log: permission denied (wgate needs root, or CAP_NET_ADMIN and a"
                + " writable run directory, which WGATE_RUN_DIR can name)",
                RunFiles.describe(log, new AccessDeniedException(log.toString())));
        assertEquals("cannot open /run/wgate/wgt-rf0.log: /run/wgate/wgt-rf0.log",
                RunFiles.describe(log, new NoSuchFileException(log.toString())));
    }

    @Test
    void theLockHolderRemovesAnyPidFile(@TempDir Path dir) throws Exception {
        RunFiles runFiles = new RunFiles(dir);
        runFiles.writePid("wgt-rf1", 1);
        assertTrue(runFiles.removeStalePid("wgt-rf1"));
        assertFalse(Files.exists(runFiles.pidFile("wgt-rf1")));
        assertFalse(runFiles.removeStalePid("wgt-rf1"));
    }

    @Test
    void theLogAndItsDirectoryAreOnlyTheOwners(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        RunFiles runFiles = new RunFiles(dir);
        runFiles.prepareLog("wgt-rf2");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runFiles.logFile("wgt-rf2"))));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(runFiles.logFile("wgt-rf2"), PosixFilePermissions.fromString("rw-r--r--"));
        runFiles.prepareLog("wgt-rf2");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runFiles.logFile("wgt-rf2"))));
    }
}
