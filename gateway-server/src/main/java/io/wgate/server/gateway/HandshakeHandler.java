package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.wire.MessageType;

/**
 * The handshake stage of the UDP pipeline: reads each datagram's message type, once. Transport data passes on to
 * {@link DecryptHandler} untouched; handshake messages (types 1-3) go to the engine, which queues them for its
 * budgeted tick (a handshake flood delays handshakes, never data); malformed datagrams go to the engine to be counted.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    HandshakeHandler(EngineDriver driver) {
        this.driver = driver;
    }

    /**
     * Takes ownership of every datagram that is not transport data; passes transport datagrams on. A handshake
     * message is copied out of the receive buffer before it is queued: the datagram is a slice of a large receive
     * buffer, which a queued slice would keep alive (thousands of queued handshakes would pin that many buffers).
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = packet.content();
        int type = MessageType.of(content);
        if (type == MessageType.TRANSPORT) {
            ctx.fireChannelRead(packet);
            return;
        }
        int messageLength = MessageType.handshakeLength(content);
        if (type == MessageType.INVALID && messageLength > 0 && content.readableBytes() > messageLength
                && content.readableBytes() % messageLength == 0) {
            splitCoalesced(ctx, packet, messageLength);
            return;
        }
        ByteBuf message = content;
        if (type != MessageType.INVALID) {
            message = ctx.alloc().directBuffer(content.readableBytes()).writeBytes(content);
            packet.release();
        }
        driver.engine().onControlMessage(type, message, packet.sender());
    }

    /**
     * A read that holds several handshake messages of one length back to back, and nothing else: the handshake socket
     * reads with {@code recvmmsg}, which hands on what UDP GRO coalesced (equal-sized datagrams of one flow, one burst)
     * without its segment size. Each message goes to the engine on its own, judged as if it had come alone. (A length
     * that is not a whole multiple stays one invalid datagram, as before.) Takes ownership of {@code packet}.
     */
    private void splitCoalesced(ChannelHandlerContext ctx, DatagramPacket packet, int messageLength) {
        ByteBuf content = packet.content();
        while (content.isReadable()) {
            ByteBuf message = ctx.alloc().directBuffer(messageLength).writeBytes(content, messageLength);
            driver.engine().onControlMessage(MessageType.of(message), message, packet.sender());
        }
        packet.release();
    }
}
