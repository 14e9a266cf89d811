package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last stage of the UDP pipeline: plaintext IP packets that passed the cryptokey-routing check are
 * written to the TUN device (through the outbox, so the batch is flushed once at read-complete).
 */
final class RouteHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    RouteHandler(EngineDriver driver) {
        this.driver = driver;
    }

    /** Takes ownership of each plaintext packet; anything else is released (nothing else is expected). */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            driver.outbox().writeToTunnel(packet);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // HandshakeHandler flushed at the head of the pipeline; nothing left to do here.
    }
}
