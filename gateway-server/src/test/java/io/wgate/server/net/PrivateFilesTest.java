package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @TempDir
    Path tmp;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void createsTheDirectoryPrivateWithItsMissingParents() throws Exception {
        Path dir = tmp.resolve("a/b/run");
        PrivateFiles.ensureDirectory(dir);
        assertEquals("rwx------", mode(dir));
        PrivateFiles.ensureDirectory(dir);
        assertEquals("rwx------", mode(dir));
    }

    @Test
    void tightensAnExistingDirectoryOrFileOnce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = Files.writeString(dir.resolve("wgt-pf0.log"), "earlier run\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));

        assertTrue(PrivateFiles.tighten(dir, PrivateFiles.DIRECTORY_MODE));
        assertFalse(PrivateFiles.tighten(dir, PrivateFiles.DIRECTORY_MODE), "once tightened, nothing more to say");
        PrivateFiles.ensureFile(log);
        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(log));
        assertEquals("earlier run\n", Files.readString(log), "an existing log is kept");
    }

    @Test
    void createsAFilePrivateFromTheStart() throws Exception {
        Path log = tmp.resolve("wgt-pf1.log");
        PrivateFiles.ensureFile(log);
        assertEquals("rw-------", mode(log));
        assertEquals(0, Files.size(log));
    }

    @Test
    void refusesAFileWhereTheDirectoryShouldBe() throws Exception {
        Path file = Files.createFile(tmp.resolve("run"));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.ensureDirectory(file));
    }

    @Test
    void writesModesInOctal() {
        assertEquals("0755", PrivateFiles.octal(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals("0600", PrivateFiles.octal(PrivateFiles.FILE_MODE));
        assertEquals("0700", PrivateFiles.octal(PrivateFiles.DIRECTORY_MODE));
    }
}
