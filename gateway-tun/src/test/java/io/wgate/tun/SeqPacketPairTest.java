package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stand-in TUN frames packets as the kernel does for the queue's options, both ways. */
class SeqPacketPairTest {

    private static final byte[] PACKET =
            {0x45, 0, 0, 24, 1, 2, 3, 4, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 9, 8, 7, 6};

    @ParameterizedTest(name = "vnet header {0}")
    @ValueSource(booleans = {false, true})
    void packetsCrossWithTheHeaderTheQueueExpects(boolean vnetHeader) throws Exception {
        ByteBuf buf = Unpooled.directBuffer(2048);
        try (SeqPacketPair pair = new SeqPacketPair("sppt0", TunOptions.DEFAULT.withVnetHeader(vnetHeader))) {
            int header = vnetHeader ? VirtioNetHeader.LENGTH : 0;
            assertEquals(vnetHeader, pair.queue().vnetHeader());

            pair.sendPacket(PACKET);
            int n = 0;
            for (int i = 0; i < 1000 && n == 0; i++) {
                n = pair.queue().read(buf, 0, buf.capacity());
                Thread.sleep(n == 0 ? 1 : 0);
            }
            byte[] read = new byte[n];
            buf.getBytes(0, read);
            assertArrayEquals(new byte[header], Arrays.copyOfRange(read, 0, header), "a zero header, plain packet");
            assertArrayEquals(PACKET, Arrays.copyOfRange(read, header, n));

            buf.clear().writeBytes(PACKET);
            assertEquals(PACKET.length, pair.queue().write(buf));
            assertArrayEquals(PACKET, pair.receivePacket(Duration.ofSeconds(5)), "the header, if any, taken off");
        } finally {
            buf.release();
        }
    }
}
