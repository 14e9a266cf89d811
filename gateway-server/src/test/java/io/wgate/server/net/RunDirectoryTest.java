package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.server.cli.RunFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunDirectoryTest {

    @Test
    void theVariableOrTheDefault() {
        assertEquals(Path.of("/run/wgate"), RunDirectory.of(null));
        assertEquals(Path.of("/run/wgate"), RunDirectory.of("  "));
        assertEquals(Path.of("/tmp/wgt-run"), RunDirectory.of(" /tmp/wgt-run "));
    }

    /** 'wgate down' must find the state where 'wgate up' keeps its pid file, whatever WGATE_RUN_DIR says. */
    @Test
    void theStateFilesLiveWithThePidAndLockFiles() {
        assertEquals(RunFiles.system().dir(), NetStateStore.system().directory());
        assertEquals(RunDirectory.fromEnvironment(), NetStateStore.system().directory());
    }
}
