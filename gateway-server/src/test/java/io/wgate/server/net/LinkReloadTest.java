package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
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

/** The host side of a reload against a scripted {@code ip}: only the difference, recorded, undone on failure. */
class LinkReloadTest {

    @TempDir
    Path stateDir;

    private final FakeCommandRunner ip = new FakeCommandRunner();

    private NetStateStore store() {
        return new NetStateStore(stateDir);
    }

    private static LinkPlan plan(RouteTable table, List<String> addresses, int mtu, List<String> allowed,
                                 Hooks hooks) {
        return new LinkPlan("wg0", addresses.stream().map(InterfaceAddress::parse).toList(),
                mtu == 0 ? OptionalInt.empty() : OptionalInt.of(mtu), table, 0,
                allowed.stream().map(Prefix::parse).toList(), List.of(), hooks);
    }

    private static LinkPlan plan(List<String> addresses, int mtu, List<String> allowed) {
        return plan(RouteTable.AUTO, addresses, mtu, allowed, Hooks.NONE);
    }

    /** Brings wg0 up with {@code plan} through {@link LinkSetup#up} and forgets the commands it ran. */
    private void up(LinkPlan plan) throws IOException {
        new LinkSetup(ip, store()).up(plan);
        ip.clear();
    }

    @Test
    void appliesOnlyTheDifferenceAndRecordsIt() throws IOException {
        LinkPlan from = plan(List.of("10.0.0.1/24"), 1420, List.of("10.0.0.0/24", "192.168.1.0/24",
                "192.168.2.0/24"));
        up(from);
        LinkPlan to = plan(List.of("10.0.0.1/24", "fd00::1/64"), 1380, List.of("10.0.0.0/24", "192.168.1.0/24",
                "192.168.3.0/24"));

        LinkReload.Applied applied = new LinkSetup(ip, store()).reloader().apply(from, to, 1420);

        assertEquals(List.of(
                "ip -6 address add fd00::1/64 dev wg0",
                "ip link set mtu 1380 dev wg0",
                "ip -4 route del 192.168.2.0/24 dev wg0",
                "ip -4 route show dev wg0 match 192.168.3.0/24",
                "ip -4 route add 192.168.3.0/24 dev wg0"), ip.commands());
        assertEquals(List.of("address fd00::1/64 added", "mtu 1420 -> 1380", "route 192.168.2.0/24 removed",
                "route 192.168.3.0/24 added"), applied.changes());
        assertEquals(1380, applied.mtu());
        NetState state = store().read("wg0").orElseThrow();
        assertEquals(List.of("address wg0 10.0.0.1/24", "route wg0 10.0.0.0/24 -",
                        "route wg0 192.168.1.0/24 -", "address wg0 fd00::1/64", "route wg0 192.168.3.0/24 -"),
                state.steps().stream().map(NetStep::serialize).toList());
    }

    @Test
    void aPlanThatMatchesChangesNothing() throws IOException {
        LinkPlan from = plan(List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"));
        up(from);
        String before = Files.readString(store().pathFor("wg0"));

        LinkReload.Applied applied = new LinkSetup(ip, store()).reloader().apply(from, from, 1420);

        assertEquals(List.of(), applied.changes());
        assertTrue(ip.commands().stream().allMatch(c -> c.contains(" show ")), ip.commands().toString());
        assertEquals(before, Files.readString(store().pathFor("wg0")));
    }

    @Test
    void removesAddressesAndReplacesTheDownHooks() throws IOException {
        LinkPlan from = plan(RouteTable.AUTO, List.of("10.0.0.1/24", "10.1.0.1/24"), 1420, List.of(),
                new Hooks(List.of(), List.of(), List.of("echo old"), List.of()));
        up(from);
        LinkPlan to = plan(RouteTable.AUTO, List.of("10.0.0.1/24"), 1420, List.of(),
                new Hooks(List.of(), List.of(), List.of("echo new"), List.of("echo after")));

        LinkReload.Applied applied = new LinkSetup(ip, store()).reloader().apply(from, to, 1420);

        assertEquals(List.of("ip -4 address del 10.1.0.1/24 dev wg0"), ip.commands());
        assertEquals(List.of("address 10.1.0.1/24 removed", "PreDown/PostDown hooks replaced"), applied.changes());
        NetState state = store().read("wg0").orElseThrow();
        assertEquals(List.of("echo new"), state.preDown());
        assertEquals(List.of("echo after"), state.postDown());
    }

    @Test
    void anExplicitTableGetsEveryPrefixIncludingTheDefaultRoute() throws IOException {
        RouteTable table = RouteTable.explicit("1234");
        LinkPlan from = plan(table, List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"), Hooks.NONE);
        up(from);
        LinkPlan to = plan(table, List.of("10.0.0.1/24"), 1420, List.of("0.0.0.0/0"), Hooks.NONE);

        new LinkSetup(ip, store()).reloader().apply(from, to, 1420);

        assertEquals(List.of("ip -4 route del 192.168.1.0/24 dev wg0 table 1234",
                "ip -4 route add 0.0.0.0/0 dev wg0 table 1234"), ip.commands());
    }

    @Test
    void aFailedCommandReversesWhatWasDoneAndRestoresTheStateFile() throws IOException {
        LinkPlan from = plan(List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"));
        up(from);
        String before = Files.readString(store().pathFor("wg0"));
        LinkPlan to = plan(List.of("10.0.0.1/24", "10.9.0.1/24"), 1380, List.of("192.168.3.0/24"));
        ip.fail("ip -4 route add 192.168.3.0/24 dev wg0", 2, "RTNETLINK answers: File exists");

        IOException e = assertThrows(IOException.class,
                () -> new LinkSetup(ip, store()).reloader().apply(from, to, 1420));

        assertTrue(e.getMessage().contains("192.168.3.0/24"), e.getMessage());
        assertEquals(List.of(
                "ip -4 address add 10.9.0.1/24 dev wg0",
                "ip link set mtu 1380 dev wg0",
                "ip -4 route del 192.168.1.0/24 dev wg0",
                "ip -4 route show dev wg0 match 192.168.3.0/24",
                "ip -4 route add 192.168.3.0/24 dev wg0",
                // reversed, newest first
                "ip -4 route add 192.168.1.0/24 dev wg0",
                "ip link set mtu 1420 dev wg0",
                "ip -4 address del 10.9.0.1/24 dev wg0"), ip.commands());
        assertEquals(before, Files.readString(store().pathFor("wg0")));
    }

    @Test
    void undoTakesBackAnAppliedReload() throws IOException {
        LinkPlan from = plan(List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"));
        up(from);
        String before = Files.readString(store().pathFor("wg0"));
        LinkPlan to = plan(List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24", "192.168.5.0/24"));
        LinkReload.Applied applied = new LinkSetup(ip, store()).reloader().apply(from, to, 1420);
        ip.clear();

        applied.undo();

        assertEquals(List.of("ip -4 route del 192.168.5.0/24 dev wg0"), ip.commands());
        assertEquals(before, Files.readString(store().pathFor("wg0")));
    }

    @Test
    void changesThatNeedARestartAreNamed() {
        LinkPlan plain = plan(List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"));
        LinkPlan full = plan(List.of("10.0.0.1/24"), 1420, List.of("0.0.0.0/0"));
        LinkPlan off = plan(RouteTable.OFF, List.of("10.0.0.1/24"), 1420, List.of("192.168.1.0/24"), Hooks.NONE);

        assertEquals(List.of(), LinkReload.unsupported(plain, plain));
        assertEquals(List.of("full-tunnel routing (a /0 in AllowedIPs with Table = auto) is switched on"),
                LinkReload.unsupported(plain, full));
        assertEquals(List.of("full-tunnel routing (a /0 in AllowedIPs with Table = auto) is switched off"),
                LinkReload.unsupported(full, plain));
        assertEquals(List.of("Table changes from auto to off"), LinkReload.unsupported(plain, off));
        assertEquals(List.of("FwMark changes while full-tunnel routing uses it"),
                LinkReload.unsupported(full.withFwMark(51820), full.withFwMark(51821)));
        assertThrows(IllegalArgumentException.class,
                () -> new LinkSetup(ip, store()).reloader().apply(plain, full, 1420));
    }
}
