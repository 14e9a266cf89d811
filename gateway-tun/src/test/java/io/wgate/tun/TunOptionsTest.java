package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TunOptionsTest {

    @Test
    void defaultIsOneQueueWithoutVnetHeader() {
        assertEquals(new TunOptions(false, 1), TunOptions.DEFAULT);
        assertEquals(IfTun.IFF_TUN | IfTun.IFF_NO_PI, TunOptions.DEFAULT.ifreqFlags());
        assertEquals(0x1001, TunOptions.DEFAULT.ifreqFlags());
    }

    @Test
    void severalQueuesAddMultiQueue() {
        assertEquals(0x1101, TunOptions.multiQueue(4).ifreqFlags());
    }

    @Test
    void vnetHeaderAddsItsFlagButIsNotSupportedYet() {
        TunOptions options = new TunOptions(true, 1);
        assertEquals(0x5001, options.ifreqFlags());
        var e = assertThrows(UnsupportedOperationException.class, options::checkSupported);
        assertTrue(e.getMessage().contains("IFF_VNET_HDR"), e.getMessage());
    }

    @Test
    void rejectsQueueCountsTheKernelWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, 0));
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, 257));
        assertEquals(256, new TunOptions(false, 256).queues());
    }

    @Test
    void openRefusesVnetHeaderBeforeTouchingTheKernel() {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> TunDevice.open("wgt-x", new TunOptions(true, 1)));
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }
}
