package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void vnetHeaderAddsItsFlagAndAsksForChecksumAndTcpOffloads() {
        TunOptions options = new TunOptions(true, 1);
        assertEquals(0x5001, options.ifreqFlags());
        assertEquals(0x5101, TunOptions.multiQueue(2).withVnetHeader(true).ifreqFlags());
        assertEquals(new TunOptions(false, 1), options.withVnetHeader(false));
        assertEquals(0x07, TunOptions.offloads()); // TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, include/uapi/linux/if_tun.h
    }

    @Test
    void rejectsQueueCountsTheKernelWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, 0));
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, 257));
        assertEquals(256, new TunOptions(false, 256).queues());
    }
}
