package io.wgate.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Caps what the event loop reads from the handshake socket ({@link HandshakeSteering}) at
 * {@value #DATAGRAMS_PER_WINDOW} datagrams per {@value #WINDOW_MILLIS} ms window, about 8 000 a second: twice the
 * handshake messages the engine takes in a second before it counts itself under load, and far more than the handshakes
 * of any site's peers. When a window's budget is spent the socket stops being read (Netty's auto-read off) until the
 * next window, so a flood overflows the socket's queue in the kernel (counted as
 * {@code wgate_dropped_packets_total{reason="handshake_socket_overflow"}}) instead of taking the loop's time from
 * tunnel data. Our peers' handshakes take the priority lane to the data socket ({@link PriorityLane}), so the cap
 * never delays them; an unknown sender's handshake then competes with the flood for the socket's queue.
 *
 * <p>The first handler of the handshake socket's pipeline; passes every datagram on (ownership with it). Owner: the
 * socket's event loop.
 */
final class HandshakeReadBudget extends ChannelInboundHandlerAdapter {

    static final long WINDOW_MILLIS = 100;
    static final int DATAGRAMS_PER_WINDOW = 820;
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);

    private final LongSupplier clockNanos;
    private final int budget;
    private long windowStartNanos;
    private int readInWindow;
    private boolean paused;
    /** Windows whose budget was spent (for tests and the debugger). */
    private long windowsCapped;

    HandshakeReadBudget(LongSupplier clockNanos) {
        this(clockNanos, DATAGRAMS_PER_WINDOW);
    }

    HandshakeReadBudget(LongSupplier clockNanos, int budget) {
        this.clockNanos = clockNanos;
        this.budget = budget;
        this.windowStartNanos = clockNanos.getAsLong();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = clockNanos.getAsLong();
        if (now - windowStartNanos >= WINDOW_NANOS) {
            windowStartNanos = now;
            readInWindow = 0;
        }
        readInWindow++;
        if (readInWindow == budget && !paused) {
            paused = true;
            windowsCapped++;
            ctx.channel().config().setAutoRead(false);
            long resumeInNanos = Math.max(0, windowStartNanos + WINDOW_NANOS - now);
            ctx.executor().schedule(() -> resume(ctx), resumeInNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    private void resume(ChannelHandlerContext ctx) {
        paused = false;
        windowStartNanos = clockNanos.getAsLong();
        readInWindow = 0;
        if (ctx.channel().isOpen()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    long windowsCapped() {
        return windowsCapped;
    }
}
