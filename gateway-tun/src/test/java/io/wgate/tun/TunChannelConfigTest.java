package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TunChannelConfigTest {
    private final SeqPacketPair pair = new SeqPacketPair("cfg0");
    private final TunChannel channel = new TunChannel(pair.queue());

    @AfterEach
    void closeChannel() throws Exception {
        channel.unsafe().closeForcibly(); // never registered, so no event loop to close it on
        pair.close();
    }

    @Test
    void defaultsSuitWireGuard() {
        TunChannelConfig config = channel.config();
        assertEquals(1420, config.getMtu());
        assertEquals(16, config.getHeadroom());
        assertEquals(32, config.getTailroom());
        assertEquals(64, config.getMaxPacketsPerRead());
        assertEquals(1500, config.maxPacketSize());
        assertEquals(16 + 1500 + 32, config.readBufferSize());
    }

    @Test
    void largeMtuSizesBuffersAboveTheMinimum() {
        TunChannelConfig config = channel.config().setMtu(9000).setHeadroom(0).setTailroom(0);
        assertEquals(9000, config.maxPacketSize());
        assertEquals(9001, config.readBufferSize()); // one spare byte to detect truncation
    }

    @Test
    void optionsRoundTripThroughTheGenericApi() {
        TunChannelConfig config = channel.config();
        assertTrue(config.setOption(TunChannelOption.MTU, 1280));
        assertTrue(config.setOption(TunChannelOption.HEADROOM, 24));
        assertTrue(config.setOption(TunChannelOption.TAILROOM, 40));
        assertTrue(config.setOption(TunChannelOption.MAX_PACKETS_PER_READ, 8));
        assertEquals(1280, config.getOption(TunChannelOption.MTU));
        assertEquals(24, config.getOption(TunChannelOption.HEADROOM));
        assertEquals(40, config.getOption(TunChannelOption.TAILROOM));
        assertEquals(8, config.getOption(TunChannelOption.MAX_PACKETS_PER_READ));
        assertEquals(8, config.getOptions().get(TunChannelOption.MAX_PACKETS_PER_READ));
        assertTrue(config.setOption(ChannelOption.AUTO_READ, false));
        assertEquals(false, config.getOption(ChannelOption.AUTO_READ));
    }

    @Test
    void rejectsValuesOutOfRangeAndSaysWhich() {
        TunChannelConfig config = channel.config();
        var e = assertThrows(IllegalArgumentException.class, () -> config.setMtu(67));
        assertEquals("mtu is 67; it must be 68 to 65535", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.setMtu(65536));
        assertThrows(IllegalArgumentException.class, () -> config.setHeadroom(-1));
        assertThrows(IllegalArgumentException.class, () -> config.setTailroom(4097));
        assertThrows(IllegalArgumentException.class, () -> config.setMaxPacketsPerRead(0));
        assertThrows(IllegalArgumentException.class, () -> config.setOption(TunChannelOption.MTU, 10));
        assertEquals(1420, config.getMtu());
    }
}
