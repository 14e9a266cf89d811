package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.routeros.RouterOsTestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wgate import routeros}, {@code wgate export routeros} and {@code wgate check} as commands. */
class ConfigToolsCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void importWritesOneFilePerInterfaceWithMode600() throws IOException {
        Path export = write("forms.rsc", RouterOsTestFiles.read("forms.rsc"));
        Path target = dir.resolve("out");
        assertEquals(0, ImportCommand.run(List.of("routeros", export.toString(), "-o", target.toString()), print(out),
                print(err)), err.toString());
        Path written = target.resolve("wg-branch.conf");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        assertEquals(RouterOsTestFiles.read("wg-branch.conf.golden"), Files.readString(written));
        assertTrue(out.toString().contains("wrote " + written + " (3 peers)"), out.toString());
        String messages = err.toString();
        assertTrue(messages.contains("warning: " + export + ":4: private-key: the export hides the private key of "
                + "wg-branch"), messages);
        assertTrue(messages.contains(":13: frobnicate: unknown property 'frobnicate'"), messages);
        assertTrue(RouterOsTestFiles.secrets().isClean(messages + out), "no key material in the messages");
    }

    @Test
    void importWritesNothingWhenALineIsWrong() throws IOException {
        Path export = write("malformed.rsc", RouterOsTestFiles.read("malformed.rsc"));
        assertEquals(1, ImportCommand.run(List.of("routeros", export.toString(), "-o", dir.toString()), print(out),
                print(err)));
        assertTrue(err.toString().contains("error: " + export + ":5: allowed-address"), err.toString());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(export), files.toList());
        }
    }

    @Test
    void importPicksOneInterfaceByName() throws IOException {
        Path export = write("main-office.rsc", RouterOsTestFiles.read("main-office.rsc"));
        assertEquals(1, ImportCommand.run(List.of("routeros", export.toString(), "--interface", "wg9", "-o",
                dir.toString()), print(out), print(err)));
        assertTrue(err.toString().contains("has no WireGuard interface 'wg9'; it has: main-office"), err.toString());
        assertEquals(0, ImportCommand.run(List.of("routeros", export.toString(), "--interface", "main-office", "-o",
                dir.toString()), print(out), print(err)));
        assertEquals(RouterOsTestFiles.read("main-office.conf.golden"),
                Files.readString(dir.resolve("main-office.conf")));
    }

    @Test
    void exportPrintsRouterOsCommandsAndImportTakesThemBack() throws IOException {
        Path export = write("main-office.rsc", RouterOsTestFiles.read("main-office.rsc"));
        assertEquals(0, ImportCommand.run(List.of("routeros", export.toString(), "-o", dir.toString()), print(out),
                print(err)));
        ByteArrayOutputStream commands = new ByteArrayOutputStream();
        assertEquals(0, ExportCommand.run(List.of("routeros", dir.resolve("main-office.conf").toString()),
                print(commands), print(err)), err.toString());
        assertTrue(commands.toString().contains("/interface wireguard peers\nadd allowed-address=172.16.1.0/24,"
                + "192.168.1.0/24 endpoint-address=203.0.113.2 endpoint-port=51820 interface=main-office"), commands
                .toString());
        assertEquals(1, ExportCommand.run(List.of("routeros"), print(out), print(err)));
    }

    @Test
    void checkExitsZeroOneOrTwoAndSpeaksJson() throws IOException {
        Path main = write("main-office.rsc", RouterOsTestFiles.read("main-office.rsc"));
        Path satellite = write("satellite.rsc", RouterOsTestFiles.read("satellite-terse.rsc"));
        assertEquals(0, CheckCommand.run(List.of(main.toString(), satellite.toString()), print(out), print(err)));
        assertTrue(out.toString().startsWith("ok: 2 files, 2 interfaces, nothing found"), out.toString());

        Path mtu = write("satellite-mtu.rsc", RouterOsTestFiles.read("satellite-terse.rsc").replace("mtu=1420",
                "mtu=1400"));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        assertEquals(1, CheckCommand.run(List.of(main.toString(), mtu.toString(), "--json"), print(json), print(err)));
        assertEquals("{\"findings\":[{\"file\":\"" + main + "\",\"line\":8,\"key\":\"mtu\",\"problem\":\"MTU 1420 "
                + "here, 1400 in " + mtu + " (satellite) (line 4): packets that fit one end are too large for the "
                + "other\",\"fix\":\"use the same MTU on both ends (1420 is the usual)\"}],\"unreadable\":[]}\n",
                json.toString());

        assertEquals(2, CheckCommand.run(List.of(dir.resolve("none.conf").toString()), print(out), print(err)));
        assertEquals(2, CheckCommand.run(List.of(), print(out), print(err)));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
