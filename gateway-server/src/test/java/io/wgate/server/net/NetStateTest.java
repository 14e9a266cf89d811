package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetStateTest {

    static NetState sample() {
        return NetState.begin("wg0", List.of("iptables -D FORWARD -i %i -j ACCEPT # keep"), List.of("echo  two  spaces "))
                .plus(new NetStep.AddAddress("wg0", InterfaceAddress.parse("172.16.1.1/24")))
                .plus(new NetStep.AddAddress("wg0", InterfaceAddress.parse("fd00::1/64")))
                .plus(new NetStep.AddRoute("wg0", Prefix.parse("10.10.10.0/24"), null))
                .plus(new NetStep.AddRule(true, List.of("not", "fwmark", "51820", "table", "51820")))
                .plus(new NetStep.AddRoute("wg0", Prefix.parse("::/0"), "51820"))
                .plus(new NetStep.NftTable(true, "wg-quick-wg0"))
                .withFwMark(51820).completed();
    }

    @Test
    void roundTripsThroughText() {
        NetState state = sample();
        String text = state.serialize();
        assertEquals(state, NetState.parse(text.lines().toList()));
        assertTrue(text.contains("""
                version 1
                interface wg0
                fwmark 51820
                complete true
                predown iptables -D FORWARD -i %i -j ACCEPT # keep
                postdown echo  two  spaces\s
                step address wg0 172.16.1.1/24
                step address wg0 fd00::1/64
                step route wg0 10.10.10.0/24 -
                step rule 6 not fwmark 51820 table 51820
                step route wg0 ::/0 51820
                step nft 6 wg-quick-wg0
                """), text);
    }

    @Test
    void stepsKnowTheirCommands() {
        NetStep route = new NetStep.AddRoute("wg0", Prefix.parse("fd00:2::/48"), "1234");
        assertEquals(List.of("ip", "-6", "route", "add", "fd00:2::/48", "dev", "wg0", "table", "1234"), route.applyCommand());
        assertEquals(List.of("ip", "-6", "route", "del", "fd00:2::/48", "dev", "wg0", "table", "1234"), route.undoCommand());
        NetStep address = new NetStep.AddAddress("wg0", InterfaceAddress.parse("10.0.0.1"));
        assertEquals(List.of("ip", "-4", "address", "del", "10.0.0.1/32", "dev", "wg0"), address.undoCommand());
        NetStep table = new NetStep.NftTable(false, "wg-quick-wg0");
        assertEquals(List.of("nft", "add", "table", "ip", "wg-quick-wg0"), table.applyCommand());
        assertEquals(List.of("nft", "delete", "table", "ip", "wg-quick-wg0"), table.undoCommand());
        assertEquals(List.of("nft", "delete", "table", "ip6", "wg-quick-wg0"),
                new NetStep.NftTable(true, "wg-quick-wg0").undoCommand());
    }

    @Test
    void rejectsCorruptText() {
        assertThrows(IllegalArgumentException.class, () -> NetState.parse(List.of("interface wg0")));
        assertThrows(IllegalArgumentException.class, () -> NetState.parse(List.of("version 1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetState.parse(List.of("version 1", "interface wg0", "step route wg0 10.0.0.0/8")));
        assertTrue(e.getMessage().startsWith("line 3: "), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NetState.parse(List.of("version 1", "interface wg0", "step teleport wg0")));
        assertThrows(IllegalArgumentException.class,
                () -> NetState.parse(List.of("version 1", "interface wg0", "step rule 5 not fwmark 1 table 1")));
        assertThrows(IllegalArgumentException.class,
                () -> NetState.parse(List.of("version 1", "interface wg0", "step nft inet wg-quick-wg0")));
        assertThrows(IllegalArgumentException.class, () -> new NetStep.NftTable(false, "wg-quick-wg0; flush ruleset"));
        assertThrows(IllegalArgumentException.class, () -> new NetStep.AddRule(false, List.of("table", "a b")));
        assertThrows(IllegalArgumentException.class, () -> NetState.begin("wg0", List.of("a\nb"), List.of()));
    }
}
