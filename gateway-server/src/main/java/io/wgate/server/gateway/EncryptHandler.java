package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;

/**
 * The TUN pipeline: every IP packet read from the device goes to the engine, which routes it by its
 * destination and encrypts it in place into a datagram (the TUN channel reserves headroom and tailroom
 * for that); the UDP writes of a read batch are flushed once, as one {@code sendmmsg}.
 */
final class EncryptHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(EncryptHandler.class.getName());

    private final EngineDriver driver;

    EncryptHandler(EngineDriver driver) {
        this.driver = driver;
    }

    /** Takes ownership of each packet. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            driver.engine().onTunnelPacket(driver.nowNanos(), packet, driver.outbox());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        driver.afterBatch();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "TUN device error: " + cause.getMessage());
    }
}
