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
}
