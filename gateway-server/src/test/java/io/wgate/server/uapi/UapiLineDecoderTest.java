package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UapiLineDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new UapiLineDecoder(16));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void write(String text) {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        channel.writeInbound(in);
        assertEquals(0, in.refCnt(), "the decoder releases every buffer");
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = channel.readInbound()) != null) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void splitsOnNewlineAndDropsACarriageReturnBeforeIt() {
        write("a=1\nb=2\r\n\n\r\nc");
        assertEquals(List.of("a=1", "b=2", "", ""), lines());
        write("=3\n");
        assertEquals(List.of("c=3"), lines());
    }

    @Test
    void keepsBytesAsLatin1Characters() {
        write("k=\u00ff\u0080\n");
        assertEquals(List.of("k=\u00ff\u0080"), lines());
    }

    @Test
    void acceptsALineOfExactlyTheLimitWithCrLf() {
        write("0123456789abcdef\r\n");
        assertEquals(List.of("0123456789abcdef"), lines());
    }

    @Test
    void refusesALongerLineEvenBeforeItsNewlineArrives() {
        write("0123456789abcdef");
        assertEquals(List.of(), lines());
        assertThrows(UapiLineDecoder.LineTooLongException.class, () -> {
            write("01");
            channel.checkException();
        });
        write("more\nlines\n");
        assertNull(channel.readInbound(), "nothing after an overlong line");
    }

    @Test
    void zeroesWhatItReadBeforeReleasingIt() {
        byte[] request = "set=1\nk=0123456789\npartial".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf in = Unpooled.wrappedBuffer(request);
        channel.writeInbound(in);
        assertEquals(0, in.refCnt());
        assertEquals(List.of("set=1", "k=0123456789"), lines());
        assertArrayEquals(new byte[request.length], request, "a key's bytes do not stay in the buffer");
    }
}
