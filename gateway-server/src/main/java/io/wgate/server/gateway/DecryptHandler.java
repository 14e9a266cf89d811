package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.Outbox;
import java.net.InetSocketAddress;

/**
 * Second stage of the UDP pipeline: transport data is authenticated, decrypted in place and checked
 * against the sender's AllowedIPs by the engine; each plaintext IP packet continues down the pipeline
 * to {@link RouteHandler}. Datagrams the engine sends meanwhile (staged packets after key
 * confirmation, handshakes on rekey) go to the UDP socket.
 */
final class DecryptHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;
    private ChannelHandlerContext context;
    private final Outbox forward = new Outbox() {
        @Override
        public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
            return driver.outbox().sendDatagram(datagram, recipient);
        }

        @Override
        public void writeToTunnel(ByteBuf packet) {
            context.fireChannelRead(packet);
        }
    };

    DecryptHandler(EngineDriver driver) {
        this.driver = driver;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    /** Takes ownership of transport datagrams; passes anything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            driver.engine().onDatagram(driver.nowNanos(), packet.content(), packet.sender(), forward);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
