package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
}
