package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.wgate.tun.TunChannel;

/**
 * The encrypt stage of the TUN pipeline: every IP packet read from the device goes to the engine, which routes it by
 * its destination and encrypts it in place into a datagram (the TUN channel reserves headroom and tailroom for that),
 * or submits the sealing to the crypto workers (with the buffer of the read the packet was cut from, so that the
 * datagrams can still leave as one zero-copy GSO send when the jobs complete); {@link BatchFlusher}, ahead of this
 * stage, flushes each read burst.
 */
final class EncryptHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    EncryptHandler(EngineDriver driver) {
        this.driver = driver;
    }

    /** Takes ownership of each packet. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            boolean workers = driver.workers() != null;
            driver.onTunnelPacket(packet, workers && ctx.channel() instanceof TunChannel tun
                    ? tun.firingSegmentsOf() : null);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A TUN write failed (e.g. EIO while the interface is down): counted and logged without flooding.
     * The channel closes itself on fatal errors, which stops the gateway.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (OutOfMemory.check(cause, "the TUN pipeline")) {
            return;
        }
        NettyOutbox outbox = driver.outbox();
        if (outbox != null) {
            outbox.ioErrors().tunWriteFailed(cause, driver.nowNanos());
        }
    }
}
