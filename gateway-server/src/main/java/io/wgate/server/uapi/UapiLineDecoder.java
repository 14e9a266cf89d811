package io.wgate.server.uapi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * Splits the byte stream of a UAPI connection into lines: each {@code \n}-terminated line is passed on
 * as a {@link String} without its terminator (and without a {@code \r} before it, as Go's
 * {@code bufio.Scanner} drops it). Bytes map 1:1 to chars (ISO-8859-1), so nothing is lost before
 * validation. A line longer than the limit fires {@link LineTooLongException} and everything after it
 * is discarded: the stream cannot be resynchronised.
 *
 * <p>Takes ownership of every inbound {@link ByteBuf}, zeroes what was written to it (a {@code set} request
 * carries keys) and releases it. (A small hand-written splitter
 * because netty-codec's {@code LineBasedFrameDecoder} is not on this module's classpath.)
 */
final class UapiLineDecoder extends ChannelInboundHandlerAdapter {

    /** Fired through {@code exceptionCaught} when a line exceeds the limit. */
    static final class LineTooLongException extends Exception {
        private static final long serialVersionUID = 1L;
        final int maxLineBytes;

        LineTooLongException(int maxLineBytes) {
            super("UAPI line longer than " + maxLineBytes + " bytes", null, false, false);
            this.maxLineBytes = maxLineBytes;
        }
    }

    private final int maxLineBytes;
    private final StringBuilder partial = new StringBuilder();
    private boolean discarding;

    /** @param maxLineBytes longest accepted line, terminator excluded */
    UapiLineDecoder(int maxLineBytes) {
        if (maxLineBytes < 16) {
            throw new IllegalArgumentException("maxLineBytes must be at least 16, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (!discarding && in.isReadable() && ctx.channel().isActive()) {
                int start = in.readerIndex();
                int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
                int end = lf < 0 ? in.writerIndex() : lf;
                if (partial.length() + (end - start) > maxLineBytes + 1) { // + 1: a '\r' before the '\n'
                    discarding = true;
                    partial.setLength(0);
                    ctx.fireExceptionCaught(new LineTooLongException(maxLineBytes));
                    break;
                }
                partial.append(in.toString(start, end - start, StandardCharsets.ISO_8859_1));
                in.readerIndex(lf < 0 ? end : end + 1);
                if (lf >= 0) {
                    int length = partial.length();
                    if (length > 0 && partial.charAt(length - 1) == '\r') {
                        partial.setLength(length - 1);
                    }
                    if (partial.length() > maxLineBytes) {
                        discarding = true;
                        partial.setLength(0);
                        ctx.fireExceptionCaught(new LineTooLongException(maxLineBytes));
                        break;
                    }
                    String line = partial.toString();
                    partial.setLength(0);
                    ctx.fireChannelRead(line);
                }
            }
        } finally {
            if (!in.isReadOnly()) {
                in.setZero(0, in.writerIndex()); // a set request's keys do not go back to the pool
            }
            in.release();
        }
    }
}
