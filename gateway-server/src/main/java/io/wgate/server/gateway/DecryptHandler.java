package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * The decrypt stage of the UDP pipeline: each transport datagram (the handshake stage let only those through) is
 * authenticated, decrypted in place and checked against the sender's AllowedIPs by the engine, and the plaintext IP
 * packet goes straight on to {@link RouteHandler}. With crypto workers the engine submits the opening instead; the
 * plaintext then comes out of {@link EngineDriver#completeCryptoJobs} in arrival order and enters the pipeline here,
 * at this stage's context ({@link EngineDriver#routeFrom}).
 */
final class DecryptHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    DecryptHandler(EngineDriver driver) {
        this.driver = driver;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        driver.routeFrom(ctx);
    }

    /** Takes ownership of transport datagrams; passes anything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        driver.reserveCryptoSlots();
        ByteBuf plaintext = driver.engine().onTransportData(driver.nowNanos(), packet.content(), packet.sender(),
                driver.outbox());
        if (plaintext != null) {
            ctx.fireChannelRead(plaintext);
        }
    }
}
