package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostLinksTest {

    private final FakeCommandRunner ip = new FakeCommandRunner();

    @Test
    void asksIpForTheLink() throws Exception {
        ip.answer("ip link show dev wgt-up0", "7: wgt-up0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 ...\n");
        assertTrue(new HostLinks(ip).exists("wgt-up0"));
        assertEquals(List.of("ip link show dev wgt-up0"), ip.commands());
    }

    @Test
    void aMissingDeviceIsAbsent() throws Exception {
        ip.fail("ip link show dev wgt-none0", 1, "Device \"wgt-none0\" does not exist.\n");
        assertFalse(new HostLinks(ip).exists("wgt-none0"));
    }

    @Test
    void anyOtherFailureIsAnError() {
        ip.fail("ip link show dev wgt-odd0", 255, "Cannot open netlink socket: Permission denied\n");
        IOException e = assertThrows(IOException.class, () -> new HostLinks(ip).exists("wgt-odd0"));
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void listsTheLinksAddressesLessLinkLocalOnes() throws Exception {
        ip.answer("ip -brief address show dev wgt-ad0",
                "wgt-ad0          UNKNOWN        10.19.0.1/24 192.0.2.7/32 fd00::1/64 fe80::d3e4:18c8:84d2:c261/64 \n");
        assertEquals(List.of("10.19.0.1/24", "192.0.2.7/32", "fd00::1/64"),
                new HostLinks(ip).addresses("wgt-ad0").stream().map(Object::toString).toList());
    }

    @Test
    void aMissingLinkHasNoAddresses() throws Exception {
        ip.fail("ip -brief address show dev wgt-none0", 1, "Device \"wgt-none0\" does not exist.\n");
        assertEquals(List.of(), new HostLinks(ip).addresses("wgt-none0"));
    }

    @Test
    void setsTheMtuOrSaysWhyNot() throws Exception {
        new HostLinks(ip).setMtu("wgt-up0", 1420);
        assertEquals(List.of("ip link set dev wgt-up0 mtu 1420"), ip.commands());
        ip.fail("ip link set dev wgt-up0 mtu 70000", 2, "Error: mtu greater than device maximum.\n");
        IOException e = assertThrows(IOException.class, () -> new HostLinks(ip).setMtu("wgt-up0", 70000));
        assertTrue(e.getMessage().contains("mtu greater"), e.getMessage());
    }
}
