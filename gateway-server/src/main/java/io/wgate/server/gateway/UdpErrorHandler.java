package io.wgate.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Last handler of the UDP pipeline: a send that failed (the outbox writes with void promises, so
 * failures arrive here as exceptions) is counted and logged through {@link IoErrors} instead of
 * Netty's per-event warning. The TUN pipeline's {@link EncryptHandler} does the same for TUN writes.
 */
final class UdpErrorHandler extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    UdpErrorHandler(EngineDriver driver) {
        this.driver = driver;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NettyOutbox outbox = driver.outbox();
        if (outbox != null) {
            outbox.ioErrors().udpSendFailed(cause, driver.nowNanos());
        }
    }
}
