package io.wgate.metrics;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Answers {@code GET} and {@code HEAD} on {@code /metrics}, {@code /healthz} and {@code /readyz}; nothing else, and
 * nothing it answers changes the gateway. A path it does not know gets 404, another method 405 (with
 * {@code Allow}), a request it cannot parse 400 (414 and 431 for an overlong line or headers), a request with a body
 * 413; each of those closes the connection. Pipelined requests are answered in order, at most
 * {@value #MAX_PENDING} at a time per connection; an idle connection is closed ({@link MetricsServer}).
 *
 * <p>A scrape waits for the engine loop's snapshot for at most {@link #SNAPSHOT_TIMEOUT} (then 503) and is
 * written on this channel's loop, never on the engine's. One instance per connection.
 */
final class MetricsHttpHandler extends SimpleChannelInboundHandler<HttpObject> {

    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_PENDING = 4;
    private static final String TEXT = "text/plain; charset=utf-8";

    private record Response(HttpResponseStatus status, String contentType, byte[] body, boolean close) {
    }

    private final GatewayMetrics metrics;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private int pending;

    MetricsHttpHandler(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (!(message instanceof HttpRequest request)) {
            return; // content of a request already answered (and released by the superclass)
        }
        if (++pending > MAX_PENDING) {
            ctx.close();
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletableFuture<Response> answer = answer(request, ctx.executor());
        tail = tail.thenCompose(done -> answer).handle((response, failure) -> {
            Response r = failure == null ? response : text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal error: " + failure + "\n", true);
            ctx.executor().execute(() -> write(ctx, r, head, keepAlive));
            return null;
        });
    }

    private CompletableFuture<Response> answer(HttpRequest request, Executor loop) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            return done(text(status, "bad request: " + cause.getMessage() + "\n", true));
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (!path.startsWith("/")) {
            return done(text(HttpResponseStatus.BAD_REQUEST, "bad request: the target must be a path\n", true));
        }
        if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
            return done(text(HttpResponseStatus.NOT_FOUND, "not found; try /metrics, /healthz or /readyz\n", false));
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return done(text(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed; only GET and HEAD\n",
                    true));
        }
        if (HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request)) {
            return done(text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a request body is not accepted\n", true));
        }
        return switch (path) {
            case "/healthz" -> done(text(HttpResponseStatus.OK, "ok\n", false));
            case "/readyz" -> Readiness.check(metrics)
                    .orTimeout(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((reason, failure) -> failure != null ? unavailable(failure)
                            : reason == null ? text(HttpResponseStatus.OK, "ready\n", false)
                            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + reason + "\n", false));
            default -> metrics.refresh()
                    .orTimeout(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((snapshot, failure) -> failure != null ? unavailable(failure) : null)
                    .thenComposeAsync(r -> r != null ? done(r) : scrape(request), loop);
        };
    }

    /** Writes the exposition on the caller's loop: after the snapshot, before the response goes out. */
    private CompletableFuture<Response> scrape(HttpRequest request) {
        GatewayMetrics.Exposition exposition = metrics.write(request.headers().get(HttpHeaderNames.ACCEPT));
        return done(new Response(HttpResponseStatus.OK, exposition.contentType(), exposition.body(), false));
    }

    private static Response unavailable(Throwable failure) {
        return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable: the gateway's event loop did not answer"
                + " within " + SNAPSHOT_TIMEOUT.toSeconds() + " s (" + failure.getClass().getSimpleName() + ")\n",
                false);
    }

    private void write(ChannelHandlerContext ctx, Response r, boolean head, boolean keepAlive) {
        pending--;
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (r.status() == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean close = r.close() || !keepAlive;
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Response text(HttpResponseStatus status, String body, boolean close) {
        return new Response(status, TEXT, body.getBytes(StandardCharsets.UTF_8), close);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset by the client, a decoder failure after the request: nothing to answer
    }
}
