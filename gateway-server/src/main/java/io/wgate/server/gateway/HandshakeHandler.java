package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.wire.MessageType;

/**
 * First stage of the UDP pipeline: handshake messages (types 1-3) and anything malformed go to the
 * engine, which queues handshakes for its budgeted tick (so a handshake flood never starves data) and
 * counts malformed datagrams; transport data passes on to {@link DecryptHandler}.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    HandshakeHandler(EngineDriver driver) {
        this.driver = driver;
    }

    /**
     * Takes ownership of handshake datagrams; passes transport datagrams on untouched. A handshake
     * message is copied out of the receive buffer before it is queued: the datagram is a slice of a
     * recvmmsg buffer of {@link UdpSockets#DATAGRAMS_PER_READ} slots, which a queued slice would keep
     * alive (thousands of queued handshakes would pin that many large buffers).
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && MessageType.of(packet.content()) != MessageType.TRANSPORT) {
            ByteBuf content = packet.content();
            ByteBuf copy = ctx.alloc().directBuffer(content.readableBytes()).writeBytes(content);
            packet.release();
            driver.engine().onDatagram(driver.nowNanos(), copy, packet.sender(), driver.outbox());
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        driver.afterBatch();
        ctx.fireChannelReadComplete();
    }
}
