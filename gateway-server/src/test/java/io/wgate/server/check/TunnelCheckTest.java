package io.wgate.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.routeros.RouterOsTestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TunnelCheck}: the two offices of the README's how-to are clean, and each finding is triggered by a minimal
 * change to one of them (a minimal pair), naming file, line and key.
 */
class TunnelCheckTest {

    static final String MAIN = """
            [Interface]
            PrivateKey = %s
            Address = 172.16.1.1/24
            ListenPort = 51820
            MTU = 1420

            [Peer]
            # Satellite
            PublicKey = %s
            Endpoint = 203.0.113.2:51820
            AllowedIPs = 172.16.1.0/24, 192.168.1.0/24
            """.formatted(RouterOsTestFiles.MAIN_PRIVATE, RouterOsTestFiles.SATELLITE_PUBLIC);

    static final String SATELLITE = """
            [Interface]
            PrivateKey = %s
            Address = 172.16.1.2/24
            ListenPort = 51820
            MTU = 1420

            [Peer]
            # Main Office
            PublicKey = %s
            Endpoint = 198.51.100.2:51820
            AllowedIPs = 172.16.1.0/24, 10.10.10.0/24
            PersistentKeepalive = 25
            """.formatted(RouterOsTestFiles.SATELLITE_PRIVATE, RouterOsTestFiles.MAIN_PUBLIC);

    @TempDir
    Path dir;

    @Test
    void theHowToIsClean() throws IOException {
        assertEquals(List.of(), check(MAIN, SATELLITE).findings());
        assertEquals(0, check(MAIN, SATELLITE).exitCode());
    }

    @Test
    void aPublicKeyThatIsNotTheOtherSidesKey() throws IOException {
        only(check(MAIN.replace(RouterOsTestFiles.SATELLITE_PUBLIC, RouterOsTestFiles.OTHER_PUBLIC), SATELLITE),
                "main-office.conf", 9, "PublicKey", "is not the public key of");
    }

    @Test
    void aTunnelAddressOutsideTheOtherSidesAllowedIps() throws IOException {
        only(check(MAIN.replace("AllowedIPs = 172.16.1.0/24, ", "AllowedIPs = "), SATELLITE),
                "main-office.conf", 11, "AllowedIPs", "tunnel address 172.16.1.2");
    }

    @Test
    void aLanAllowedOneWayOnly() throws IOException {
        only(check(MAIN, SATELLITE.replace(", 10.10.10.0/24", "")), "satellite.conf", 11, "AllowedIPs",
                "routes 192.168.1.0/24 into the tunnel");
    }

    @Test
    void aLanRoutedToTheOtherSideFromBothSides() throws IOException {
        only(check(MAIN, SATELLITE.replace("10.10.10.0/24", "10.10.10.0/24, 192.168.1.0/24")), "main-office.conf", 11,
                "AllowedIPs", "a network lies behind one side only");
    }

    @Test
    void anEndpointPortThatIsNotTheListenPort() throws IOException {
        only(check(MAIN.replace("203.0.113.2:51820", "203.0.113.2:51821"), SATELLITE), "main-office.conf", 10,
                "Endpoint", "port 51821, but ");
    }

    @Test
    void noListenPortWhereTheOtherSideSends() throws IOException {
        only(check(MAIN, SATELLITE.replace("ListenPort = 51820\n", "")), "satellite.conf", 1, "ListenPort",
                "no ListenPort");
    }

    @Test
    void aPresharedKeyOnOneSideOnly() throws IOException {
        only(check(MAIN.replace("# Satellite\n", "# Satellite\nPresharedKey = " + RouterOsTestFiles.PRESHARED + "\n"),
                SATELLITE), "main-office.conf", 9, "PresharedKey", "only this side has a PresharedKey");
    }

    @Test
    void presharedKeysThatDifferAreSaidToDifferNotShown() throws IOException {
        String other = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        TunnelCheck.Result result = check(
                MAIN.replace("# Satellite\n", "# Satellite\nPresharedKey = " + RouterOsTestFiles.PRESHARED + "\n"),
                SATELLITE.replace("# Main Office\n", "# Main Office\nPresharedKey = " + other + "\n"));
        only(result, "main-office.conf", 9, "PresharedKey", "differ");
        assertTrue(RouterOsTestFiles.secrets().isClean(result.findings().toString()));
        assertTrue(!result.findings().toString().contains(other.substring(0, 12)));
    }

    @Test
    void mtusThatDiffer() throws IOException {
        only(check(MAIN, SATELLITE.replace("MTU = 1420", "MTU = 1380")), "main-office.conf", 5, "MTU",
                "MTU 1420 here, 1380 in ");
    }

    @Test
    void overlappingAllowedIpsOfTwoPeers() throws IOException {
        String branch = "\n[Peer]\n# Branch\nPublicKey = " + RouterOsTestFiles.OTHER_PUBLIC
                + "\nAllowedIPs = 192.168.0.0/16\n";
        only(check(MAIN + branch, SATELLITE), "main-office.conf", 16, "AllowedIPs",
                "192.168.0.0/16 of peer 'Branch' overlaps 192.168.1.0/24 of peer 'Satellite'");
    }

    @Test
    void noKeepaliveOnTheSideBehindNat() throws IOException {
        only(check(MAIN.replace("Endpoint = 203.0.113.2:51820\n", ""),
                SATELLITE.replace("PersistentKeepalive = 25\n", "")), "satellite.conf", 7, "PersistentKeepalive",
                "is the side that calls (behind NAT)");
    }

    @Test
    void noEndpointOnEitherSide() throws IOException {
        only(check(MAIN.replace("Endpoint = 203.0.113.2:51820\n", ""),
                SATELLITE.replace("Endpoint = 198.51.100.2:51820\n", "")), "main-office.conf", 7, "Endpoint",
                "neither");
    }

    @Test
    void aFileThatUpRejectsIsAFindingWithItsLine() throws IOException {
        only(check(MAIN.replace("ListenPort = 51820", "ListenPort = 70000"), SATELLITE), "main-office.conf", 4,
                "ListenPort", "70000");
    }

    @Test
    void anUnreadableFileExitsTwo() throws IOException {
        TunnelCheck.Result result = TunnelCheck.check(List.of(write("main-office.conf", MAIN),
                dir.resolve("missing.conf")));
        assertEquals(2, result.exitCode());
        assertTrue(result.unreadable().getFirst().startsWith(dir.resolve("missing.conf") + ": cannot read it"));
    }

    @Test
    void routerOsExportsAndWgQuickFilesMix() throws IOException {
        Path main = write("main-office.rsc", RouterOsTestFiles.read("main-office.rsc"));
        Path satellite = write("satellite.rsc", RouterOsTestFiles.read("satellite-terse.rsc"));
        assertEquals(List.of(), TunnelCheck.check(List.of(main, satellite)).findings());
        assertEquals(List.of(), TunnelCheck.check(List.of(main, write("satellite.conf", SATELLITE))).findings());
        TunnelCheck.Result wrong = TunnelCheck.check(List.of(main, write("satellite.conf",
                SATELLITE.replace("51820\nAllowedIPs", "13231\nAllowedIPs"))));
        only(wrong, "satellite.conf", 10, "Endpoint", "listens on 51820");
        TunnelCheck.Result ros = TunnelCheck.check(List.of(write("main-office.rsc", RouterOsTestFiles
                .read("main-office.rsc").replace("endpoint-port=51820", "endpoint-port=13231")), satellite));
        only(ros, "main-office.rsc", 12, "endpoint-port", "port 13231");
    }

    private static void only(TunnelCheck.Result result, String file, int line, String key, String problem) {
        assertEquals(1, result.findings().size(), result.findings().toString());
        Finding f = result.findings().getFirst();
        assertTrue(f.file().endsWith(file), f.toString());
        assertEquals(line, f.line(), f.toString());
        assertEquals(key, f.key(), f.toString());
        assertTrue(f.problem().contains(problem), f.toString());
        assertEquals(1, result.exitCode());
    }

    private TunnelCheck.Result check(String main, String satellite) throws IOException {
        return TunnelCheck.check(List.of(write("main-office.conf", main), write("satellite.conf", satellite)));
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, text);
    }
}
