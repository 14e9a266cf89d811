package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.Hooks;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.RouteTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LinkTeardown} through {@link LinkSetup}: the two phases of down around the link's removal, and cleanup. */
class LinkTeardownTest {

    @TempDir
    Path stateDir;

    private final FakeCommandRunner ip = new FakeCommandRunner();

    private LinkSetup setup() {
        return new LinkSetup(ip, new NetStateStore(stateDir));
    }

    private static LinkPlan plan(RouteTable table, List<String> addresses, List<String> allowed) {
        return LinkSetupTest.plan(table, addresses, allowed);
    }

    @Test
    void downAfterTheTunWasClosedCountsMissingThingsAsDone() throws Exception {
        setup().up(plan(RouteTable.AUTO, List.of("10.8.0.1/24"), List.of("10.9.0.0/16", "0.0.0.0/0")));
        ip.clear();
        ip.fail("ip -4 route del 0.0.0.0/0 dev wg0 table 51820", 1, "Cannot find device \"wg0\"");
        ip.fail("ip -4 route del 10.9.0.0/16 dev wg0", 1, "Cannot find device \"wg0\"");
        ip.fail("ip -4 address del 10.8.0.1/24 dev wg0", 1, "Cannot find device \"wg0\"");
        ip.fail("ip -4 rule del table main suppress_prefixlength 0", 2, "RTNETLINK answers: No such file or directory");
        ip.fail("nft delete table ip wg-quick-wg0", 1, "Error: Could not process rule: No such file or directory\n"
                + "delete table ip wg-quick-wg0\n                ^^^^^^^^^^^^\n");
        assertTrue(setup().down("wg0"));
        assertEquals(6, ip.commands().size());
        assertEquals("nft delete table ip wg-quick-wg0", ip.commands().getFirst());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void downKeepsGoingPastFailuresAndReportsThemTogether() throws Exception {
        Hooks hooks = new Hooks(List.of(), List.of(), List.of("false-pre"), List.of("echo post"));
        setup().up(new LinkPlan("wg0", List.of(InterfaceAddress.parse("10.8.0.1/24")), OptionalInt.of(1420),
                RouteTable.OFF, 0, List.of(), List.of(), hooks));
        ip.clear();
        ip.fail("bash -c false-pre", 1, "");
        IOException e = assertThrows(IOException.class, () -> setup().down("wg0"));
        assertEquals("down wg0: 1 problem(s), first: bash -c false-pre failed (exit 1)", e.getMessage());
        assertEquals(List.of("bash -c false-pre", "ip -4 address del 10.8.0.1/24 dev wg0", "bash -c 'echo post'"),
                ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void cleanupUndoesAStaleStateWithItsHooksSoThatUpCanStart() throws Exception {
        new NetStateStore(stateDir).write(NetState.begin("wg0", List.of("echo stale-pre-down"),
                        List.of("echo stale-post-down"))
                .plus(new NetStep.AddAddress("wg0", InterfaceAddress.parse("10.8.0.1/24")))
                .plus(new NetStep.AddRule(false, List.of("not", "fwmark", "51820", "table", "51820"))).completed());
        // The dead run's link is gone, and so is its address.
        ip.fail("ip -4 address del 10.8.0.1/24 dev wg0", 1, "Cannot find device \"wg0\"");

        assertTrue(setup().cleanup("wg0"));
        setup().up(plan(RouteTable.OFF, List.of(), List.of()));

        assertEquals(List.of("bash -c 'echo stale-pre-down'", "ip -4 rule del not fwmark 51820 table 51820",
                "ip -4 address del 10.8.0.1/24 dev wg0", "bash -c 'echo stale-post-down'",
                "ip link set mtu 1420 up dev wg0"), ip.commands());
    }

    @Test
    void preDownUndoesTheStepsAndLeavesPostDownForAfterTheLinkIsGone() throws Exception {
        Hooks hooks = new Hooks(List.of(), List.of(), List.of("echo pre-down %i"), List.of("echo post-down %i"));
        setup().up(new LinkPlan("wg0", List.of(InterfaceAddress.parse("10.8.0.1/24")), OptionalInt.of(1420),
                RouteTable.OFF, 0, List.of(), List.of(), hooks));
        ip.clear();

        assertTrue(setup().preDown("wg0"));
        assertEquals(List.of("bash -c 'echo pre-down wg0'", "ip -4 address del 10.8.0.1/24 dev wg0"), ip.commands());
        assertTrue(Files.exists(stateDir.resolve("wg0.state")), "PostDown is still owed");

        ip.clear();
        assertTrue(setup().postDown("wg0"));
        assertEquals(List.of("bash -c 'echo post-down wg0'"), ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void aCleanupAfterACrashBetweenThePhasesRunsNoHookTwice() throws Exception {
        Hooks hooks = new Hooks(List.of(), List.of(), List.of("echo pre-down %i"), List.of("echo post-down %i"));
        setup().up(new LinkPlan("wg0", List.of(InterfaceAddress.parse("10.8.0.1/24")), OptionalInt.of(1420),
                RouteTable.OFF, 0, List.of(), List.of(), hooks));
        setup().preDown("wg0");
        ip.clear();

        assertTrue(setup().cleanup("wg0"));
        assertEquals(List.of("bash -c 'echo post-down wg0'"), ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void anNftTableThatCannotBeDeletedIsKeptForTheNextDown() throws Exception {
        setup().up(plan(RouteTable.AUTO, List.of("10.8.0.1/24"), List.of("0.0.0.0/0")));
        ip.clear();
        ip.fail("nft delete table ip wg-quick-wg0", 1, "Error: Could not process rule: Operation not permitted");

        IOException e = assertThrows(IOException.class, () -> setup().down("wg0"));
        assertTrue(e.getMessage().startsWith("down wg0: 1 problem(s), first: nft delete table ip wg-quick-wg0 failed "
                + "(exit 1): Error: Could not process rule: Operation not permitted; 1 step(s) kept in "), e.getMessage());
        assertEquals(List.of(
                "nft delete table ip wg-quick-wg0",
                "ip -4 route del 0.0.0.0/0 dev wg0 table 51820",
                "ip -4 rule del table main suppress_prefixlength 0",
                "ip -4 rule del not fwmark 51820 table 51820",
                "ip -4 address del 10.8.0.1/24 dev wg0"), ip.commands(), "the rest is undone regardless");
        assertTrue(Files.readString(stateDir.resolve("wg0.state")).contains("step nft 4 wg-quick-wg0\n"));

        ip.clear();
        ip.answer("nft delete table ip wg-quick-wg0", "");
        assertTrue(setup().down("wg0"));
        assertEquals(List.of("nft delete table ip wg-quick-wg0"), ip.commands());
        assertFalse(Files.exists(stateDir.resolve("wg0.state")));
    }

    @Test
    void cleanupWithoutStateDoesNothing() throws Exception {
        assertFalse(setup().cleanup("wg0"));
        assertEquals(List.of(), ip.commands());
    }
}
