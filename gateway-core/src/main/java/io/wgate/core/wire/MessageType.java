package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * The 4-byte message header shared by all WireGuard messages and the receive-side length gates
 * (whitepaper §5.4; kernel {@code receive.c prepare_skb_header}, wireguard-go {@code device/receive.go}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     type      |           reserved (must be zero)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Like both reference implementations the header is read as one little-endian u32, so a non-zero reserved byte
 * makes the type unknown.
 */
public final class MessageType {

    /** Not a valid WireGuard message (unknown type, reserved bytes set, or wrong length). */
    public static final int INVALID = 0;
    /** Handshake initiation, {@link Initiation#LENGTH} bytes. */
    public static final int INITIATION = 1;
    /** Handshake response, {@link Response#LENGTH} bytes. */
    public static final int RESPONSE = 2;
    /** Cookie reply, {@link CookieReply#LENGTH} bytes. */
    public static final int COOKIE_REPLY = 3;
    /** Transport data, at least {@link Transport#MIN_LENGTH} bytes. */
    public static final int TRANSPORT = 4;

    /** Length of the type + reserved header. */
    public static final int HEADER_LENGTH = 4;

    private MessageType() {
    }

    /**
     * Classifies the readable bytes of {@code buf} as one message: reads the little-endian u32 at
     * {@code buf.readerIndex()} and applies the length gates of kernel {@code receive.c} (type 1 == 148, type 2 == 92,
     * type 3 == 64, type 4 &gt;= 32).
     *
     * <p>Borrows {@code buf}; does not move its indices.
     *
     * @return one of {@link #INITIATION}, {@link #RESPONSE}, {@link #COOKIE_REPLY}, {@link #TRANSPORT}, or
     *     {@link #INVALID} if the header is malformed or the length does not fit the type
     */
    public static int of(ByteBuf buf) {
        int length = buf.readableBytes();
        if (length < HEADER_LENGTH) {
            return INVALID;
        }
        int type = buf.getIntLE(buf.readerIndex());
        return switch (type) {
            case INITIATION -> length == Initiation.LENGTH ? INITIATION : INVALID;
            case RESPONSE -> length == Response.LENGTH ? RESPONSE : INVALID;
            case COOKIE_REPLY -> length == CookieReply.LENGTH ? COOKIE_REPLY : INVALID;
            case TRANSPORT -> length >= Transport.MIN_LENGTH ? TRANSPORT : INVALID;
            default -> INVALID;
        };
    }

    /**
     * The fixed length of the handshake message whose header the readable bytes start with: 148, 92 or 64 for types
     * 1, 2 and 3; 0 for transport data, a malformed header or fewer than 4 bytes. Borrows {@code buf}.
     */
    public static int handshakeLength(ByteBuf buf) {
        if (buf.readableBytes() < HEADER_LENGTH) {
            return 0;
        }
        return switch (buf.getIntLE(buf.readerIndex())) {
            case INITIATION -> Initiation.LENGTH;
            case RESPONSE -> Response.LENGTH;
            case COOKIE_REPLY -> CookieReply.LENGTH;
            default -> 0;
        };
    }

    /**
     * Whether the readable bytes start with a well-formed header: at least 4 bytes, type 1..4, reserved bytes zero.
     * Lets the caller tell a malformed header (this returns {@code false}) from a bad length for a known type
     * ({@code hasValidHeader} is {@code true} but {@link #of} is {@link #INVALID}).
     *
     * <p>Borrows {@code buf}; does not move its indices.
     */
    public static boolean hasValidHeader(ByteBuf buf) {
        if (buf.readableBytes() < HEADER_LENGTH) {
            return false;
        }
        int type = buf.getIntLE(buf.readerIndex());
        return type >= INITIATION && type <= TRANSPORT;
    }

    /**
     * Writes {@code type} followed by three zero reserved bytes at the absolute {@code index}.
     *
     * <p>Borrows {@code buf}; does not move its indices.
     */
    public static void writeHeader(ByteBuf buf, int index, int type) {
        buf.setIntLE(index, type & 0xff);
    }
}
