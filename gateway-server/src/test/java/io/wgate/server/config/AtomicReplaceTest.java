package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicReplaceTest {

    @TempDir
    Path dir;

    private Path file(String content, String mode) throws IOException {
        Path file = dir.resolve("wg0.conf");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheContentAndKeepsTheMode() throws Exception {
        Path file = file("old\n", "rw-r-----");
        AtomicReplace.replace(file, "new\n");
        assertEquals("new\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("wg0.conf"), names(), "no temporary file left");
    }

    @Test
    void keepsAPrivateModePrivate() throws Exception {
        Path file = file("old\n", "rw-------");
        AtomicReplace.replace(file, "PrivateKey = secret\n");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aFailureHalfWayLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path file = file("[Interface]\nold = whole\n", "rw-------");
        IOException e = assertThrows(IOException.class, () -> AtomicReplace.replace(file, out -> {
            out.write("[Interface]\nnew = ha".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("[Interface]\nold = whole\n", Files.readString(file));
        assertEquals(List.of("wg0.conf"), names());
    }

    @Test
    void followsASymbolicLinkAndKeepsIt() throws Exception {
        Path real = file("old\n", "rw-------");
        Path link = Files.createSymbolicLink(dir.resolve("link.conf"), real.getFileName());
        AtomicReplace.replace(link, "new\n");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new\n", Files.readString(real));
        assertEquals(List.of("link.conf", "wg0.conf"), names());
    }

    @Test
    void aMissingFileIsAnErrorAndNothingIsCreated() throws Exception {
        Path missing = dir.resolve("none.conf");
        assertThrows(NoSuchFileException.class, () -> AtomicReplace.replace(missing, "x\n"));
        assertFalse(Files.exists(missing, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), names());
    }
}
