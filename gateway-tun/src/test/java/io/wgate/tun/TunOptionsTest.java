package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TunOptionsTest {

    @Test
    void defaultIsOneQueueWithoutVnetHeader() {
        assertEquals(new TunOptions(false, false, 1), TunOptions.DEFAULT);
        assertEquals(IfTun.IFF_TUN | IfTun.IFF_NO_PI, TunOptions.DEFAULT.ifreqFlags());
        assertEquals(0x1001, TunOptions.DEFAULT.ifreqFlags());
    }

    @Test
    void severalQueuesAddMultiQueue() {
        assertEquals(0x1101, TunOptions.multiQueue(4).ifreqFlags());
    }

    @Test
    void vnetHeaderAddsItsFlagAndAsksForChecksumAndTcpOffloads() {
        TunOptions options = new TunOptions(true, false, 1);
        assertEquals(0x5001, options.ifreqFlags());
        assertEquals(0x5101, TunOptions.multiQueue(2).withVnetHeader(true).ifreqFlags());
        assertEquals(new TunOptions(false, false, 1), options.withVnetHeader(false));
        assertEquals(0x07, TunOptions.offloads()); // TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, include/uapi/linux/if_tun.h
    }

    @Test
    void udpSegmentationAsksForUso4AndUso6OnTopAndKeepsTheOtherSettings() {
        TunOptions options = TunOptions.multiQueue(2).withVnetHeader(true).withUdpSegmentation(true);
        assertEquals(new TunOptions(true, true, 2), options);
        assertEquals(0x5101, options.ifreqFlags(), "no TUNSETIFF flag of its own");
        assertEquals(0x60, TunOptions.udpOffloads()); // TUN_F_USO4 | TUN_F_USO6, include/uapi/linux/if_tun.h (6.2)
        assertEquals(new TunOptions(false, true, 2), options.withVnetHeader(false));
    }

    @Test
    void rejectsQueueCountsTheKernelWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new TunOptions(false, false, 257));
        assertEquals(256, new TunOptions(false, false, 256).queues());
    }
}
