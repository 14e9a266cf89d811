package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetStateStoreTest {

    @Test
    void writesReadsAndDeletes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run/wgate");
        NetStateStore store = new NetStateStore(dir);
        assertEquals(Optional.empty(), store.read("wg0"));
        store.write(NetStateTest.sample());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("wg0.state"))));
        assertEquals(Optional.of(NetStateTest.sample()), store.read("wg0"));
        store.write(NetStateTest.sample().withSteps(java.util.List.of()));
        assertEquals(0, store.read("wg0").orElseThrow().steps().size());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
        store.delete("wg0");
        assertFalse(Files.exists(store.pathFor("wg0")));
        store.delete("wg0");
    }

    @Test
    void namesTheFileOfACorruptState(@TempDir Path dir) throws Exception {
        NetStateStore store = new NetStateStore(dir);
        Files.writeString(store.pathFor("wg0"), "version 1\ninterface wg0\nstep nonsense\n");
        IOException e = assertThrows(IOException.class, () -> store.read("wg0"));
        assertTrue(e.getMessage().startsWith(store.pathFor("wg0") + ": corrupt state file: line 3: unknown step"),
                e.getMessage());
    }
}
