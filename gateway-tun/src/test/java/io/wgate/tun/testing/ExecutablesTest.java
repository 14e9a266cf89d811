package io.wgate.tun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @TempDir
    Path tmp;

    private Path file(String directory, String name, String mode) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(directory));
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void findsTheFirstExecutableOnPathInOrder() throws Exception {
        file("a", "wgt-tool", "rw-r--r--"); // not executable: skipped
        Path b = file("b", "wgt-tool", "rwxr-xr-x");
        file("c", "wgt-tool", "rwxr-xr-x");
        String path = tmp.resolve("a") + "::" + tmp.resolve("b") + ":" + tmp.resolve("c");
        assertEquals(Optional.of(b), Executables.find("wgt-tool", path));
    }

    @Test
    void fallsBackToTheSbinAndBinDirectoriesWithoutPath() {
        Path sh = Executables.find("sh", null).orElseThrow(() -> new AssertionError("sh is in /bin or /usr/bin"));
        assertTrue(Executables.FALLBACK_DIRECTORIES.contains(sh.getParent().toString()), sh.toString());
        assertEquals(Optional.empty(), Executables.find("wgt-no-such-command", tmp.toString()));
    }

    @Test
    void directoriesAreNotCommands() throws Exception {
        Files.createDirectories(tmp.resolve("d/wgt-dir"));
        assertEquals(Optional.empty(), Executables.find("wgt-dir", tmp.resolve("d").toString()));
    }

    @Test
    void rejectsPathsAndEmptyNames() {
        assertThrows(IllegalArgumentException.class, () -> Executables.find("/usr/bin/wg"));
        assertThrows(IllegalArgumentException.class, () -> Executables.find("../wg"));
        assertThrows(IllegalArgumentException.class, () -> Executables.find(""));
    }

    @Test
    void namesTheDebianPackageForEachCommandTheTestsUse() {
        assertEquals("install wireguard-tools: apt-get install wireguard-tools", Executables.installHint("wg"));
        assertEquals("install wireguard-go: apt-get install wireguard-go", Executables.installHint("wireguard-go"));
        assertEquals("install iperf3: apt-get install iperf3", Executables.installHint("iperf3"));
        assertEquals("install ethtool: apt-get install ethtool", Executables.installHint("ethtool"));
        assertEquals("install iputils-ping: apt-get install iputils-ping", Executables.installHint("ping"));
        assertEquals("install curl: apt-get install curl", Executables.installHint("curl"));
        assertEquals("install iproute2: apt-get install iproute2", Executables.installHint("ip"));
        assertEquals("install the package that provides frob", Executables.installHint("frob"));
    }

    @Test
    void requireThrowsNamingTheCommandWhereItLookedAndThePackage() {
        var e = assertThrows(IllegalStateException.class, () -> Executables.require("wgt-no-such-command"));
        assertEquals("wgt-no-such-command not found on PATH or in /usr/sbin, /sbin, /usr/bin, /bin"
                + " (install the package that provides wgt-no-such-command)", e.getMessage());
        assertTrue(Files.isExecutable(Executables.require("sh")));
    }
}
