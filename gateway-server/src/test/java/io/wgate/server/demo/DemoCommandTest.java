package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Argument handling and prerequisites; the demo itself runs in {@code DemoCommandIT}. */
class DemoCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DemoCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownPeerIsRejectedWithTheChoices() {
        assertEquals(1, run("--peer", "boringtun"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("expected wgate or wireguard-go"), err.toString());
    }

    @Test
    void peerWithoutValueIsAUsageError() {
        assertEquals(1, run("--peer"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--peer needs a value"), err.toString());
    }

    @Test
    void strayArgumentIsAUsageError() {
        assertEquals(1, run("now"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unexpected argument 'now'"), err.toString());
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(DemoCommand.USAGE));
    }

    @Test
    void nonRootGetsTheSudoHint() {
        assertEquals("wgate demo needs root (network namespaces): run sudo ./wgate demo",
                Prerequisites.missing(GatewayKind.WGATE, 1000));
    }

    @Test
    void rootWithToolsNeedsNothingMoreForWgate() {
        if (Shell.which("ip").isPresent() && java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun"))) {
            assertNull(Prerequisites.missing(GatewayKind.WGATE, 0));
        }
    }

    @Test
    void gatewayKindsParseByLabel() {
        assertEquals(GatewayKind.WIREGUARD_GO, GatewayKind.parse("wireguard-go"));
        assertEquals(GatewayKind.WGATE, GatewayKind.parse("wgate"));
    }

    @Test
    void gatewayKindsNameTheOfficeInMessages() {
        assertEquals("wireguard-go on the Satellite Office gateway",
                GatewayKind.WIREGUARD_GO.onGateway("Satellite Office"));
    }
}
