package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Arbitrary bytes on a UAPI connection never break the server's request parsing: {@link UapiLineDecoder} splits
 * them into lines within the line limit, {@link UapiProtocol} frames them within the request limit, every
 * failure is one of the documented errnos ({@code EPROTO}/{@code EINVAL} for a bad request, {@code EIO} or
 * {@code EINVAL} before closing), nothing else is thrown, every buffer is released, and a streamed {@code set}
 * gives exactly what {@link SetRequestParser#parse} gives for the same lines. Small limits make the fuzzer reach
 * the limit paths. A Jazzer fuzz target ({@code JAZZER_FUZZ=1} fuzzes; otherwise it replays its seeds in
 * {@code UapiProtocolFuzzTestInputs/} as a regression test).
 */
class UapiProtocolFuzzTest {

    private static final int MAX_INPUT_BYTES = 64 << 10;
    private static final int MAX_LINE_BYTES = 256;
    private static final long MAX_REQUEST_BYTES = 2048;
    private static final Set<Integer> REQUEST_ERRNOS = Set.of(UapiException.EPROTO, UapiException.EINVAL);
    private static final Set<Integer> CLOSE_ERRNOS = Set.of(UapiException.EIO, UapiException.EINVAL);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"set=1", "get=1", "private_key=" + FuzzKeys.OWN_PRIVATE,
        "public_key=" + FuzzKeys.PEER_PUBLIC, "public_key=" + FuzzKeys.OTHER_PUBLIC,
        "preshared_key=" + FuzzKeys.PRESHARED,
        "listen_port=", "fwmark=", "replace_peers=true", "update_only=true", "remove=true",
        "endpoint=", "persistent_keepalive_interval=", "replace_allowed_ips=true", "allowed_ip=", "allowed_ip=-",
        "protocol_version=1", "::ffff:", "::", "%", "[", "]:", "/"})
    void anyBytesOnAConnectionAreFramedWithinTheLimits(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        Connection connection = new Connection();
        EmbeddedChannel channel = new EmbeddedChannel(new UapiLineDecoder(MAX_LINE_BYTES), connection);
        try {
            // Reads of 1..64 bytes, so lines also arrive split across reads.
            int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x3f);
            for (int i = 0; i < data.length && !connection.closed; i += chunk) {
                ByteBuf in = Unpooled.copiedBuffer(data, i, Math.min(chunk, data.length - i));
                channel.writeInbound(in);
                assertEquals(0, in.refCnt(), "the decoder releases every buffer");
            }
            channel.checkException();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Plays {@link UapiHandler}'s part with the framing only, checking every step. */
    private static final class Connection extends ChannelInboundHandlerAdapter {
        private final UapiProtocol protocol = new UapiProtocol(MAX_REQUEST_BYTES);
        private final List<String> setLines = new ArrayList<>();
        private long requestBytes;
        private boolean inSet;
        boolean closed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            String line = (String) msg;
            assertFalse(closed, "no line after close");
            assertTrue(line.length() <= MAX_LINE_BYTES, "line of " + line.length());
            assertTrue(line.indexOf('\n') < 0);
            if (!protocol.inRequest()) {
                requestBytes = 0;
                inSet = line.equals("set=1");
                setLines.clear();
            } else if (inSet && !line.isEmpty()) {
                setLines.add(line);
            }
            requestBytes += line.length() + 1L;
            UapiProtocol.Step step = protocol.onLine(line);
            switch (step) {
                case UapiProtocol.NeedMore ignored -> {
                    assertTrue(protocol.inRequest());
                    assertTrue(requestBytes <= MAX_REQUEST_BYTES, "request of " + requestBytes + " bytes");
                }
                case UapiProtocol.Run run -> {
                    assertFalse(protocol.inRequest());
                    if (run.request() instanceof UapiRequest.Set set) {
                        assertTrue(inSet && line.isEmpty());
                        UapiRequest.Set alone = assertDoesNotThrow(this::parseAlone, "the same lines parse alone");
                        assertEquals(alone, set, "streamed and whole-body parsing agree");
                    } else {
                        assertFalse(inSet);
                    }
                }
                case UapiProtocol.Fail fail -> {
                    assertFalse(protocol.inRequest());
                    assertTrue(inSet && line.isEmpty(), "only a set request fails and reads on");
                    assertTrue(REQUEST_ERRNOS.contains(fail.error().errno()), fail.error().getMessage());
                    UapiException alone = assertThrows(UapiException.class, this::parseAlone);
                    assertEquals(alone.errno(), fail.error().errno());
                    assertEquals(alone.getMessage(), fail.error().getMessage());
                    assertTrue(FuzzKeys.SECRETS.isClean(fail.error().getMessage()), fail.error().getMessage());
                }
                case UapiProtocol.Close close -> onClose(ctx, close);
            }
        }

        private UapiRequest.Set parseAlone() throws UapiException {
            return SetRequestParser.parse(String.join("\n", setLines));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof UapiLineDecoder.LineTooLongException tooLong)) {
                throw new AssertionError("unexpected exception from the decoder", cause);
            }
            assertEquals(MAX_LINE_BYTES, tooLong.maxLineBytes);
            onClose(ctx, protocol.onLineTooLong(tooLong.maxLineBytes));
        }

        private void onClose(ChannelHandlerContext ctx, UapiProtocol.Close close) {
            assertNotNull(close.reason());
            assertTrue(FuzzKeys.SECRETS.isClean(close.reason()), close.reason());
            assertFalse(protocol.inRequest());
            if (close.error() != null) {
                assertTrue(CLOSE_ERRNOS.contains(close.error().errno()), close.error().getMessage());
            }
            closed = true;
            ctx.close(); // as UapiHandler does: the decoder stops reading
        }
    }
}
