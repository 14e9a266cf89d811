package io.wgate.server.uapi;

import io.wgate.server.config.Redaction;

/**
 * The framing of one UAPI connection (https://www.wireguard.com/xplatform/), as a state machine over lines: an
 * operation line ({@code get=1} or {@code set=1}), for {@code set} the {@code key=value} lines, and a
 * blank line that ends the request. One connection carries any number of requests in turn.
 *
 * <p>Behaviour copies wireguard-go's {@code IpcHandle} where it matters to clients: an unknown operation
 * closes the connection without an answer; {@code get=1} followed by anything but the blank line is
 * {@link UapiException#EINVAL}. A bad {@code set} line does not end the request: the rest is read up to
 * the blank line and discarded, then the first error is answered, so the connection stays in step.
 * Unlike wireguard-go, a request cut off by end of stream is never applied, and a request larger than
 * the limit is refused ({@link UapiException#EIO}) and the connection closed.
 *
 * <p>Messages (for the log and the errors answered) name the line, the key and the problem, never a
 * value ({@link Redaction}); a request dropped half-way has its keys wiped.
 *
 * <p>Pure: no I/O. Not thread-safe; one instance per connection.
 */
public final class UapiProtocol {

    /** What to do after a line. */
    public sealed interface Step {
    }

    /** The request is not complete yet: read on. */
    public record NeedMore() implements Step {
    }

    /** A complete, parsed request: run it and answer. */
    public record Run(UapiRequest request) implements Step {
    }

    /** A complete request that failed to parse: answer {@code errno=}{@link UapiException#errno()}, then read on. */
    public record Fail(UapiException error) implements Step {
    }

    /**
     * Stop serving this connection: answer {@code errno=} first if {@code error} is not null, then close.
     *
     * @param reason what went wrong, for the log
     */
    public record Close(String reason, UapiException error) implements Step {
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private enum State { IDLE, GET, SET, SET_DISCARD }

    private final long maxRequestBytes;
    private State state = State.IDLE;
    private SetRequestParser parser;
    private UapiException firstError;
    private long requestBytes;

    /** @param maxRequestBytes bound on one request's size, newlines included */
    public UapiProtocol(long maxRequestBytes) {
        if (maxRequestBytes < 64) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 64, got " + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Whether a request has started and not yet ended (end of stream now would cut it off). */
    public boolean inRequest() {
        return state != State.IDLE;
    }

    /** The connection ended: a request in progress is dropped, and its keys wiped. */
    public void abandon() {
        reset();
    }

    /** Takes the next line, without its {@code \n} (a trailing {@code \r} already stripped). */
    public Step onLine(String line) {
        requestBytes += line.length() + 1L;
        if (requestBytes > maxRequestBytes) {
            reset();
            return new Close("request larger than " + maxRequestBytes + " bytes",
                    new UapiException(UapiException.EIO, "request larger than " + maxRequestBytes + " bytes"));
        }
        return switch (state) {
            case IDLE -> operation(line);
            case GET -> endOfGet(line);
            case SET -> setLine(line);
            case SET_DISCARD -> discard(line);
        };
    }

    /** A line exceeded the line length limit; the connection cannot be resynchronised. */
    public Close onLineTooLong(int maxLineBytes) {
        reset();
        return new Close("line longer than " + maxLineBytes + " bytes",
                new UapiException(UapiException.EIO, "line longer than " + maxLineBytes + " bytes"));
    }

    private Step operation(String line) {
        switch (line) {
            case "get=1" -> {
                state = State.GET;
                return NEED_MORE;
            }
            case "set=1" -> {
                state = State.SET;
                parser = new SetRequestParser();
                return NEED_MORE;
            }
            default -> {
                reset();
                return new Close("line 1: " + describeOperation(line) + " (want get=1 or set=1)", null);
            }
        }
    }

    /**
     * What is wrong with an operation line, without its value: a request sent after a stray blank line
     * arrives here as an operation ({@code private_key=...}), so the line may hold a key.
     */
    private static String describeOperation(String line) {
        int equals = line.indexOf('=');
        if (equals < 0) {
            return "not an operation (no '=' in " + line.length() + " characters)";
        }
        String key = line.substring(0, equals);
        if (key.equals("get") || key.equals("set")) {
            return "unsupported version of operation '" + key + "'";
        }
        return "unknown operation " + Redaction.name(key, SetRequestParser::isKey);
    }

    private Step endOfGet(String line) {
        reset();
        if (line.isEmpty()) {
            return new Run(new UapiRequest.Get());
        }
        return new Close("trailing data after get=1",
                UapiException.invalid("get=1 must be followed by a blank line"));
    }

    private Step setLine(String line) {
        if (line.isEmpty()) {
            UapiRequest.Set request = parser.finish();
            parser = null; // the request holds the keys now: its runner wipes them
            reset();
            return new Run(request);
        }
        try {
            parser.accept(line);
        } catch (UapiException e) {
            firstError = e;
            parser.wipe();
            parser = null;
            state = State.SET_DISCARD;
        }
        return NEED_MORE;
    }

    private Step discard(String line) {
        if (!line.isEmpty()) {
            return NEED_MORE;
        }
        UapiException error = firstError;
        reset();
        return new Fail(error);
    }

    private void reset() {
        state = State.IDLE;
        if (parser != null) {
            parser.wipe(); // a request cut off, or too large: its keys are dropped
        }
        parser = null;
        firstError = null;
        requestBytes = 0;
    }
}
