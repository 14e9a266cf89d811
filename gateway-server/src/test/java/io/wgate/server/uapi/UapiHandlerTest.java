package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection pipeline ({@link UapiLineDecoder} + {@link UapiHandler}) on an {@link EmbeddedChannel}. */
class UapiHandlerTest extends FakeDeviceFixture {

    private EmbeddedChannel channel;

    @BeforeEach
    void createPipeline() {
        channel = pipeline(1 << 20);
    }

    /** The runner uses the channel's own loop as the engine's loop: the test thread runs both. */
    private EmbeddedChannel pipeline(long maxRequestBytes) {
        EmbeddedChannel embedded = new EmbeddedChannel();
        embedded.pipeline().addLast(new UapiLineDecoder(64),
                new UapiHandler("wgt-test0", new RequestRunner("wgt-test0", device, new SetOperation(),
                        embedded.eventLoop()),
                        UapiLimits.DEFAULTS.withMaxRequestBytes(maxRequestBytes), new PendingRequests(1L << 30)));
        return embedded;
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private ByteBuf write(String text) {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        channel.writeInbound(in);
        return in;
    }

    private String output() {
        channel.runPendingTasks(); // the runner's slices and answers
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void answersGetWithErrnoAndBlankLine() {
        device.listenPort = 51820;
        ByteBuf in = write("get=1\n\n");
        assertEquals("listen_port=51820\nerrno=0\n\n", output());
        assertEquals(0, in.refCnt(), "the decoder releases what it reads");
    }

    @Test
    void servesPipelinedRequestsInOrder() {
        write("set=1\nlisten_port=7\n\nget=1\n\nset=1\nbogus=1\n\nget=1\n\n");
        assertEquals("errno=0\n\nlisten_port=7\nerrno=0\n\nerrno=-22\n\nlisten_port=7\nerrno=0\n\n", output());
        assertTrue(channel.isOpen());
    }

    @Test
    void acceptsLinesSplitAcrossReadsAndCrLf() {
        write("se");
        write("t=1\r\nlisten_p");
        write("ort=9\r\n");
        assertEquals("", output());
        write("\r\n");
        assertEquals("errno=0\n\n", output());
        assertEquals(9, device.listenPort());
    }

    @Test
    void closesWithoutAnswerOnAnUnknownOperation() {
        write("version=1\n\n");
        assertEquals("", output());
        assertFalse(channel.isOpen());
    }

    @Test
    void aTooLongLineGetsEioAndCloses() {
        write("set=1\nfwmark=" + "1".repeat(100));
        assertEquals("errno=-5\n\n", output());
        assertFalse(channel.isOpen());
    }

    @Test
    void aTooLargeRequestGetsEioAndCloses() {
        channel.finishAndReleaseAll();
        channel = pipeline(200);
        write("set=1\n" + "fwmark=1\n".repeat(30));
        assertEquals("errno=-5\n\n", output());
        assertFalse(channel.isOpen());
        assertEquals(0, device.fwmarkCalls);
    }

    @Test
    void answersThenClosesWhenTheClientStopsSending() {
        write("get=1\n\nset=1\nlisten_port=7\n");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("errno=0\n\n", output());
        assertFalse(channel.isOpen());
        assertEquals(0, device.listenPort(), "the cut-off set is not applied");
    }

    @Test
    void aRequestCutOffByEndOfStreamIsNotApplied() {
        write("set=1\nlisten_port=7\n");
        channel.close();
        assertEquals(0, device.listenPort());
        assertNull(channel.readOutbound());
    }
}
