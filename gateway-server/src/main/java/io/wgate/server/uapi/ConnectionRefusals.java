package io.wgate.server.uapi;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Turns away UAPI connections beyond {@link UapiLimits#maxConnections}: the client reads {@code errno=-16} (EBUSY)
 * and the connection closes. Logged at most once every {@value UapiServer#REFUSAL_LOG_INTERVAL_SECONDS} s with the
 * count since the last line, so a connection flood cannot flood the log. Owner: the engine's event loop, where the
 * server accepts (plain fields).
 */
final class ConnectionRefusals {

    private static final System.Logger LOG = System.getLogger(UapiServer.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(UapiServer.REFUSAL_LOG_INTERVAL_SECONDS);

    private long lastLogNanos;
    private boolean loggedOnce;
    private long refusedSinceLog;

    /** Answers {@code channel} with EBUSY and closes it. */
    void refuse(Channel channel, String interfaceName, int maxConnections) {
        refusedSinceLog++;
        long nowNanos = System.nanoTime();
        if (!loggedOnce || nowNanos - lastLogNanos >= LOG_INTERVAL_NANOS) {
            LOG.log(Level.WARNING, "{0}: UAPI connection refused (errno=-16): {1} connections are open, the limit;"
                    + " {2} refused since the last such message", interfaceName, maxConnections, refusedSinceLog);
            loggedOnce = true;
            lastLogNanos = nowNanos;
            refusedSinceLog = 0;
        }
        channel.writeAndFlush(Unpooled.copiedBuffer(UapiHandler.errno(UapiException.EBUSY), StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
