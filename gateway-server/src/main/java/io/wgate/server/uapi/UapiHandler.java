package io.wgate.server.uapi;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;

/**
 * Serves one UAPI connection on the engine's event loop: takes lines from {@link UapiLineDecoder},
 * frames them with {@link UapiProtocol}, runs complete requests ({@link GetOperation},
 * {@link SetOperation}) and writes the answer ending in {@code errno=N} and a blank line.
 *
 * <p>Requests on one connection are answered in order. When the client does not read its answers,
 * reading pauses until the outbound buffer drains.
 */
final class UapiHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(UapiHandler.class.getName());

    private final String interfaceName;
    private final UapiDevice device;
    private final SetOperation setOperation;
    private final UapiProtocol protocol;
    private final PendingRequests pending;
    private final UapiLimits limits;
    /** Bytes the request in progress holds in {@link #pending}. */
    private long held;
    private boolean closing;

    UapiHandler(String interfaceName, UapiDevice device, SetOperation setOperation, UapiLimits limits,
                PendingRequests pending) {
        this.interfaceName = interfaceName;
        this.device = device;
        this.setOperation = setOperation;
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
        UapiProtocol.Step step = protocol.onLine(line);
        if (!protocol.inRequest()) {
            releaseHeld();
        } else if (pending.reserve(line.length() + 1L)) {
            held += line.length() + 1L;
        } else {
            protocol.abandon();
            releaseHeld();
            close(ctx, new UapiProtocol.Close("the requests in progress on all UAPI connections would hold more than "
                    + pending.maxBytes() + " bytes; this one was dropped, nothing applied",
                    new UapiException(UapiException.ENOMEM, "UAPI requests hold too much memory")));
            return;
        }
        switch (step) {
            case UapiProtocol.NeedMore ignored -> {
            }
            case UapiProtocol.Run run -> answer(ctx, run(run.request()));
            case UapiProtocol.Fail fail -> {
                LOG.log(Level.WARNING, "{0}: UAPI set rejected (errno={1}): {2}", interfaceName,
                        fail.error().errno(), fail.error().getMessage());
                answer(ctx, errno(fail.error().errno()));
            }
            case UapiProtocol.Close close -> close(ctx, close);
        }
    }

    private String run(UapiRequest request) {
        return switch (request) {
            case UapiRequest.Get ignored -> {
                try {
                    yield GetOperation.render(device) + errno(0);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, interfaceName + ": UAPI get failed unexpectedly", e);
                    yield errno(UapiException.UNKNOWN);
                }
            }
            case UapiRequest.Set set -> {
                try {
                    SetSummary summary = setOperation.apply(device, set);
                    LOG.log(Level.INFO, "{0}: UAPI set applied: {1}", interfaceName, summary.describe());
                    yield errno(0);
                } catch (UapiException e) {
                    LOG.log(Level.WARNING, "{0}: UAPI set rejected (errno={1}): {2}", interfaceName, e.errno(),
                            e.getMessage());
                    yield errno(e.errno());
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, interfaceName + ": UAPI set failed unexpectedly", e);
                    yield errno(UapiException.UNKNOWN);
                } finally {
                    set.wipeKeys(); // the engine holds its own copies now
                }
            }
        };
    }

    /** A UAPI answer's last line and the blank line that ends it. */
    static String errno(int errno) {
        return "errno=" + errno + "\n\n";
    }

    private void answer(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), text));
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
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
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
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
            if (closing) {
                return;
            }
            boolean midRequest = protocol.inRequest();
            protocol.abandon();
            releaseHeld();
            close(ctx, new UapiProtocol.Close("silent for " + limits.idleTimeout().toSeconds() + " s"
                    + (midRequest ? " in the middle of a request; nothing applied" : ""), midRequest
                    ? new UapiException(UapiException.ETIMEDOUT, "UAPI connection idle") : null));
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            if (protocol.inRequest()) {
                LOG.log(Level.DEBUG, "{0}: UAPI client stopped sending in the middle of a request; nothing applied",
                        interfaceName);
            }
            protocol.abandon();
            releaseHeld();
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        pending.release(held);
        held = 0;
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
