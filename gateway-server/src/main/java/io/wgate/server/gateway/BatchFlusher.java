package io.wgate.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of the UDP and the TUN pipelines: at the end of a read burst it first lets every later stage see the
 * read-complete event, then has the {@link EngineDriver} hand the burst's crypto jobs to the workers and flush what
 * the burst produced ({@link EngineDriver#afterBatch}). Being first, and acting after the event went through, it
 * flushes once per burst whatever the order of the stages behind it.
 */
final class BatchFlusher extends ChannelInboundHandlerAdapter {

    private final EngineDriver driver;

    BatchFlusher(EngineDriver driver) {
        this.driver = driver;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        driver.afterBatch();
    }
}
