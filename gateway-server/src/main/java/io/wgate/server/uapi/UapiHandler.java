package io.wgate.server.uapi;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Serves one UAPI connection on the UAPI's thread: takes lines from {@link UapiLineDecoder}, frames them with
 * {@link UapiProtocol}, hands complete requests to the {@link RequestRunner} (which runs them on the engine's loop)
 * and writes each answer, ending in {@code errno=N} and a blank line, when it comes back.
 *
 * <p>Requests on one connection are answered in order. Lines read while one runs, or while the client does not take
 * its answers (the channel is not writable), wait, counted against the bytes all requests may hold
 * ({@link PendingRequests}); beyond that the connection is closed with {@code errno=-12}.
 */
final class UapiHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(UapiHandler.class.getName());

    private final String interfaceName;
    private final RequestRunner runner;
    private final UapiProtocol protocol;
    private final PendingRequests pending;
    private final UapiLimits limits;
    /** Bytes the request in progress holds in {@link #pending}. */
    private long held;
    private boolean closing;
    /** A request of this connection is with the runner; lines read meanwhile wait in {@link #waiting}. */
    private boolean running;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    /** Bytes the lines in {@link #waiting} hold in {@link #pending}. */
    private long waitingBytes;
    /** The client shut its sending side: close once every request read so far is answered. */
    private boolean closeWhenAnswered;
    /** The client shut its sending side (the connection is half-closed). */
    private boolean inputShutdown;

    UapiHandler(String interfaceName, RequestRunner runner, UapiLimits limits, PendingRequests pending) {
        this.interfaceName = interfaceName;
        this.runner = runner;
        this.protocol = new UapiProtocol(limits.maxRequestBytes());
        this.limits = limits;
        this.pending = pending;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        String line = (String) msg;
        if (running || !ctx.channel().isWritable() || !waiting.isEmpty()) {
            if (!pending.reserve(line.length() + 1L)) {
                tooMuchHeld(ctx);
                return;
            }
            waitingBytes += line.length() + 1L;
            waiting.add(line);
            return;
        }
        onLine(ctx, line);
    }

    private void onLine(ChannelHandlerContext ctx, String line) {
        UapiProtocol.Step step = protocol.onLine(line);
        if (!protocol.inRequest()) {
            releaseHeld();
        } else if (pending.reserve(line.length() + 1L)) {
            held += line.length() + 1L;
        } else {
            tooMuchHeld(ctx);
            return;
        }
        switch (step) {
            case UapiProtocol.NeedMore ignored -> {
            }
            case UapiProtocol.Run run -> {
                running = true;
                runner.submit(run.request(), pieces -> ctx.executor().execute(() -> onAnswer(ctx, pieces)));
            }
            case UapiProtocol.Fail fail -> {
                LOG.log(Level.WARNING, "{0}: UAPI set rejected (errno={1}): {2}", interfaceName,
                        fail.error().errno(), fail.error().getMessage());
                answer(ctx, errno(fail.error().errno()));
            }
            case UapiProtocol.Close close -> close(ctx, close);
        }
    }

    private void tooMuchHeld(ChannelHandlerContext ctx) {
        protocol.abandon();
        releaseAll();
        close(ctx, new UapiProtocol.Close("the requests in progress on all UAPI connections would hold more than "
                + pending.maxBytes() + " bytes; this one was dropped, nothing applied",
                new UapiException(UapiException.ENOMEM, "UAPI requests hold too much memory")));
    }

    /** The runner's answer to this connection's request: written, then the lines that waited are taken up. */
    private void onAnswer(ChannelHandlerContext ctx, List<CharSequence> text) {
        if (closing) {
            running = false;
            releaseAll();
            return;
        }
        if (!inputShutdown) {
            running = false;
            answer(ctx, text);
            takeUpWaiting(ctx);
            return;
        }
        // Netty 4.2.18's epoll transport takes a half-closed connection out of its epoll set once nothing is left to
        // read, yet believes it still there, so the next partial write fails (epoll_ctl MOD: ENOENT) and the answer is
        // cut. Registering the channel again puts it back before the answer is written.
        Channel channel = ctx.channel();
        EventLoop loop = channel.eventLoop();
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess() || !channel.isOpen()) {
                running = false;
                releaseAll();
                return;
            }
            loop.register(channel).addListener(registered -> {
                running = false;
                if (!registered.isSuccess()) {
                    releaseAll();
                    channel.close();
                    return;
                }
                answer(ctx, text);
                takeUpWaiting(ctx);
            });
        });
    }

    /** Serves the lines that waited, while no request runs and the client takes its answers. */
    private void takeUpWaiting(ChannelHandlerContext ctx) {
        while (!running && !closing && ctx.channel().isWritable() && !waiting.isEmpty()) {
            String line = waiting.poll();
            pending.release(line.length() + 1L);
            waitingBytes -= line.length() + 1L;
            onLine(ctx, line);
        }
        if (!running && waiting.isEmpty() && closeWhenAnswered && !closing) {
            protocol.abandon(); // a request cut off by the shutdown is dropped, never applied
            releaseHeld();
            closeAfterFlush(ctx);
        }
    }

    /** A UAPI answer's last line and the blank line that ends it. */
    static String errno(int errno) {
        return "errno=" + errno + "\n\n";
    }

    private void answer(ChannelHandlerContext ctx, CharSequence text) {
        answer(ctx, List.of(text));
    }

    private void answer(ChannelHandlerContext ctx, List<CharSequence> pieces) {
        for (CharSequence piece : pieces) {
            ctx.write(ByteBufUtil.writeAscii(ctx.alloc(), piece));
        }
        ctx.flush();
    }

    private void closeAfterFlush(ChannelHandlerContext ctx) {
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void close(ChannelHandlerContext ctx, UapiProtocol.Close close) {
        closing = true;
        LOG.log(Level.WARNING, "{0}: closing UAPI connection: {1}", interfaceName, close.reason());
        if (close.error() == null) {
            ctx.close();
        } else {
            ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), errno(close.error().errno())))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closing) {
            takeUpWaiting(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The client shut down its sending side (as {@code nc -N} does after its request): answer what was
     * asked, then close once every answer is flushed. A request cut off there is dropped, never applied.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (closing || running) {
                return; // a long request is not the client's silence
            }
            boolean midRequest = protocol.inRequest();
            protocol.abandon();
            releaseAll();
            close(ctx, new UapiProtocol.Close("silent for " + limits.idleTimeout().toSeconds() + " s"
                    + (midRequest ? " in the middle of a request; nothing applied" : ""), midRequest
                    ? new UapiException(UapiException.ETIMEDOUT, "UAPI connection idle") : null));
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (running || !waiting.isEmpty()) {
                closeWhenAnswered = true; // the lines already read are answered first, then the rest applies
                return;
            }
            if (protocol.inRequest()) {
                LOG.log(Level.DEBUG, "{0}: UAPI client stopped sending in the middle of a request; nothing applied",
                        interfaceName);
            }
            protocol.abandon();
            releaseAll();
            closeAfterFlush(ctx);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (protocol.inRequest() && !closing) {
            LOG.log(Level.DEBUG, "{0}: UAPI client left in the middle of a request; nothing applied", interfaceName);
        }
        protocol.abandon();
        releaseAll();
        ctx.fireChannelInactive();
    }

    /** Gives back what the request in progress holds in {@link #pending}. */
    private void releaseHeld() {
        pending.release(held);
        held = 0;
    }

    /** Gives back everything this connection holds: the request in progress and the waiting lines. */
    private void releaseAll() {
        releaseHeld();
        pending.release(waitingBytes);
        waitingBytes = 0;
        waiting.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        if (cause instanceof UapiLineDecoder.LineTooLongException tooLong) {
            close(ctx, protocol.onLineTooLong(tooLong.maxLineBytes));
            return;
        }
        closing = true;
        LOG.log(Level.WARNING, interfaceName + ": UAPI connection failed", cause);
        ctx.close();
    }
}
