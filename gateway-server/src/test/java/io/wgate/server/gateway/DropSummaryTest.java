package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wgate.core.DropCounters;
import io.wgate.core.DropReason;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DropSummaryTest {

    @Test
    void nothingDroppedIsAnEmptyLine() {
        assertEquals("", DropSummary.of(new DropCounters(), null, null));
        assertEquals("", DropSummary.of(new DropCounters(), new NettyOutbox(new EmbeddedChannel(), new EmbeddedChannel(), false),
                null));
    }

    @Test
    void engineDropsThenTheIoLayersFailedSendsAndTunWrites() {
        DropCounters engine = new DropCounters();
        engine.count(DropReason.values()[0], 2);
        NettyOutbox outbox = new NettyOutbox(new EmbeddedChannel(), new EmbeddedChannel(), false);
        outbox.ioErrors().udpSendFailed(new IOException("Network is unreachable"), 0);
        outbox.ioErrors().udpSendFailed(new IOException("Network is unreachable"), 1);
        outbox.ioErrors().tunWriteFailed(new IOException("Input/output error"), 0);

        assertEquals(" " + DropReason.values()[0].label() + "=2 udp_send_failed=2 tun_write_failed=1",
                DropSummary.of(engine, outbox, null));
    }
}
