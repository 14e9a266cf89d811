package io.wgate.server.gateway;

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

    /** Takes ownership of handshake datagrams; passes transport datagrams on untouched. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && MessageType.of(packet.content()) != MessageType.TRANSPORT) {
            driver.engine().onDatagram(driver.nowNanos(), packet.content(), packet.sender(), driver.outbox());
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
