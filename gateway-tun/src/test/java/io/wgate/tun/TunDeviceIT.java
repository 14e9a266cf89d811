package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening TUN interfaces for real, inside a fresh network namespace per test. */
@Privileged
class TunDeviceIT {
    private static final String TUN = "wgt-dev0";

    private NetNs ns;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void createNamespace() {
        ns = NetNs.create("tundevice");
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            for (AutoCloseable c : toClose.reversed()) {
                c.close();
            }
        } finally {
            ns.close();
        }
    }

    private TunDevice open(String name, TunOptions options) throws Exception {
        TunDevice device = ns.call(() -> TunDevice.open(name, options));
        toClose.add(device);
        return device;
    }

    @Test
    void createsANonPersistentInterfaceThatClosingRemoves() throws Exception {
        TunDevice device = open(TUN, TunOptions.DEFAULT);
        assertEquals(TUN, device.name());
        String details = ns.ip("-d", "link", "show", TUN);
        assertTrue(details.contains("tun type tun pi off"), details);
        assertTrue(details.contains("persist off"), details);

        device.close();
        assertFalse(device.queue(0).isOpen());
        assertFalse(ns.tryIp("link", "show", TUN).ok(), TUN + " should be gone");
    }

    @Test
    void letsTheKernelChooseTheName() throws Exception {
        TunDevice device = open(null, TunOptions.DEFAULT);
        assertTrue(device.name().matches("tun[0-9]+"), device.name());
        assertTrue(ns.tryIp("link", "show", device.name()).ok());
    }

    @Test
    void refusesASecondFdOnASingleQueueInterfaceSayingItExists() throws Exception {
        open(TUN, TunOptions.DEFAULT);
        TunException e = assertThrows(TunException.class, () -> open(TUN, TunOptions.DEFAULT));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void opensEveryQueueOfAMultiQueueInterfaceUnderOneName() throws Exception {
        TunDevice device = open(null, TunOptions.multiQueue(3));
        assertEquals(3, device.queues().size());
        for (TunQueue queue : device.queues()) {
            assertEquals(device.name(), queue.name());
        }
        assertNotEquals(device.queue(0).fd().intValue(), device.queue(1).fd().intValue());
        assertTrue(ns.ip("-d", "link", "show", device.name()).contains("multi_queue"));

        device.queue(0).close();
        assertTrue(ns.tryIp("link", "show", device.name()).ok(), "two queues still hold the interface");
        device.close();
        assertFalse(ns.tryIp("link", "show", device.name()).ok());
    }

    @Test
    void opensEveryQueueWithTheVnetHeaderWhenOffloadsAreAskedFor() throws Exception {
        TunDevice device = open(TUN, TunOptions.multiQueue(2).withVnetHeader(true));
        assertTrue(device.options().vnetHeader(), "the kernel refused TUNSETOFFLOAD");
        for (TunQueue queue : device.queues()) {
            assertTrue(queue.vnetHeader(), queue.toString());
        }
        assertTrue(ns.ip("-d", "link", "show", TUN).contains("vnet_hdr on"), ns.ip("-d", "link", "show", TUN));
        device.close();
    }

    @Test
    void fallsBackToPlainPacketsWhenTheKernelRefusesTheOffloads() throws Exception {
        TunDevice device = ns.call(() -> TunDevice.open(TUN, TunOptions.multiQueue(2).withVnetHeader(true),
                (fd, offloads) -> -Errno.EINVAL));
        try {
            assertFalse(device.options().vnetHeader());
            assertEquals(2, device.queues().size());
            for (TunQueue queue : device.queues()) {
                assertFalse(queue.vnetHeader(), queue.toString());
            }
            String link = ns.ip("-d", "link", "show", TUN);
            assertFalse(link.contains("vnet_hdr on"), link);
            assertTrue(link.contains("multi_queue"), link);
        } finally {
            device.close();
        }
    }

    @Test
    void asksForUdpSegmentationOnTopAndKeepsTheTcpOffloadsWhenTheKernelRefusesIt() throws Exception {
        List<Integer> asked = new java.util.ArrayList<>();
        TunDevice device = ns.call(() -> TunDevice.open(TUN, TunOptions.DEFAULT.withVnetHeader(true)
                .withUdpSegmentation(true), (fd, offloads) -> {
                    asked.add(offloads);
                    return (offloads & TunOptions.udpOffloads()) != 0 ? -Errno.EINVAL : 0; // a kernel before 6.2
                }));
        try {
            assertEquals(List.of(0x07, 0x67, 0x07), asked, "TCP offloads, then with USO4|USO6, then back");
            assertTrue(device.options().vnetHeader());
            assertFalse(device.options().udpSegmentation());
            assertFalse(device.queue(0).udpSegmentation());
            assertEquals("CSUM|TSO4|TSO6", device.queue(0).offloadNames());
        } finally {
            device.close();
        }
    }

    @Test
    void thisKernelTakesTheUdpSegmentationOffload() throws Exception {
        // Linux 6.2 added TUN_F_USO4/USO6; CI and development machines run 6.x kernels newer than that
        TunDevice device = open(TUN, TunOptions.DEFAULT.withVnetHeader(true).withUdpSegmentation(true));
        assertTrue(device.queue(0).udpSegmentation(), "USO refused by kernel " + System.getProperty("os.version"));
        assertEquals("CSUM|TSO4|TSO6|USO4|USO6", device.queue(0).offloadNames());
        device.close();
    }

    @Test
    void opensWithoutTheVnetHeaderByDefault() throws Exception {
        TunDevice device = open(TUN, TunOptions.DEFAULT);
        assertFalse(device.queue(0).vnetHeader());
        assertFalse(ns.ip("-d", "link", "show", TUN).contains("vnet_hdr on"));
        device.close();
    }

    @Test
    void multiQueueChannelsOnSeparateLoopsShareTheFlows() throws Exception {
        TunDevice device = open(TUN, TunOptions.multiQueue(2));
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        List<TunChannel> channels = new ArrayList<>();
        List<PacketRecorder> recorders = new ArrayList<>();
        try {
            for (TunQueue queue : device.queues()) {
                TunChannel channel = new TunChannel(queue);
                PacketRecorder recorder = new PacketRecorder();
                channel.pipeline().addLast(recorder);
                group.register(channel).sync();
                channels.add(channel);
                recorders.add(recorder);
            }
            ns.ip("addr", "add", "10.99.1.1/24", "dev", TUN);
            ns.ip("link", "set", TUN, "up");
            InetAddress remote = InetAddress.getByAddress(new byte[] {10, 99, 1, 2});
            int flows = 64;
            ns.call(() -> {
                for (int i = 0; i < flows; i++) {
                    try (DatagramSocket socket = new DatagramSocket()) { // a new source port: a new flow
                        socket.send(new DatagramPacket(new byte[] {(byte) i}, 1, remote, 7000));
                    }
                }
                return null;
            });
            long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (udpCount(recorders.get(0), remote) + udpCount(recorders.get(1), remote) < flows
                    && System.nanoTime() < deadlineNanos) {
                Thread.sleep(10);
            }
            int first = udpCount(recorders.get(0), remote);
            int second = udpCount(recorders.get(1), remote);
            assertEquals(flows, first + second);
            assertTrue(first > 0 && second > 0, "flows per queue: " + first + " and " + second);
        } finally {
            for (TunChannel channel : channels) {
                channel.close().syncUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int udpCount(PacketRecorder recorder, InetAddress destination) {
        return (int) recorder.packets.stream()
                .filter(p -> Ipv4Packets.isIpv4(p.bytes(), Ipv4Packets.PROTOCOL_UDP, destination)).count();
    }
}
