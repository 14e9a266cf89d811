package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Hooks;
import io.wgate.server.config.RouteTable;
import io.wgate.server.config.WgQuickConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LinkPlanTest {

    @Test
    void takesTheWgQuickPartOfAConfig() throws Exception {
        WgQuickConfig config = LinkSetupTest.example("main-office.conf");
        LinkPlan plan = LinkPlan.of(config, List.of(InetAddress.ofLiteral("203.0.113.2")));
        assertEquals("wg0", plan.interfaceName());
        assertEquals(config.iface().addresses(), plan.addresses());
        assertEquals(OptionalInt.of(1420), plan.mtu());
        assertEquals(RouteTable.AUTO, plan.table());
        assertEquals(List.of(Prefix.parse("172.16.1.0/24"), Prefix.parse("192.168.1.0/24")), plan.allowedIps());
        assertEquals(List.of(InetAddress.ofLiteral("203.0.113.2")), plan.endpoints());
        assertFalse(plan.needsPolicyRouting());
        assertEquals(7, plan.withFwMark(7).fwMark());
    }

    @Test
    void policyRoutingOnlyForADefaultRouteWithTableAuto() {
        LinkPlan full = new LinkPlan("wg0", List.of(), OptionalInt.empty(), RouteTable.AUTO, 0,
                List.of(Prefix.parse("::/0")), List.of(), Hooks.NONE);
        assertTrue(full.needsPolicyRouting());
        assertFalse(new LinkPlan("wg0", List.of(), OptionalInt.empty(), RouteTable.explicit("7"), 0,
                List.of(Prefix.parse("::/0")), List.of(), Hooks.NONE).needsPolicyRouting());
        assertThrows(IllegalArgumentException.class, () -> new LinkPlan("bad name", List.of(), OptionalInt.empty(),
                RouteTable.AUTO, 0, List.of(), List.of(), Hooks.NONE));
    }
}
