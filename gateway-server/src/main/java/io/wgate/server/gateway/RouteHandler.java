package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The route stage of the UDP pipeline: plaintext IP packets that passed the cryptokey-routing check are written to
 * the TUN device through the outbox (flushed once per burst by {@link BatchFlusher}, or at the end of a round of
 * completed crypto jobs).
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
}
