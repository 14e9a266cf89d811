package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a type 3 cookie reply, exactly {@value #LENGTH} bytes (whitepaper §5.4.7; kernel {@code messages.h};
 * whitepaper §5.4.7).
 *
 * <pre>
 *  0               4               8                                      32
 * +---------------+---------------+--------------------------------------+
 * | type=3, 0,0,0 | receiver_index|            nonce (24)                |
 * +---------------+---------------+--------------------------------------+
 *  32                                                                     64
 * +-----------------------------------------------------------------------+
 * |                encrypted_cookie (16 + 16 tag)                         |
 * +-----------------------------------------------------------------------+
 * </pre>
 *
 * <p>Integers are little-endian; offsets are relative to the message start given to {@link #wrap}. The flyweight
 * borrows the buffer it wraps: it never retains or releases it. Accessors use absolute indices and never move the
 * reader or writer index. Byte-array accessors copy exactly the field length to or from index 0 of the array.
 * Integer fields have fluent {@code name()} / {@code name(int)} accessors; byte-array fields use Netty's
 * absolute-access verbs {@code getName(byte[] dst)} / {@code setName(byte[] src)}, since Java cannot overload
 * {@code name(byte[])} on the direction. Not thread-safe.
 */
public final class CookieReply {

    /** Exact length of the message on the wire. */
    public static final int LENGTH = 64;
    public static final int RECEIVER_INDEX_OFFSET = 4;
    public static final int NONCE_OFFSET = 8;
    public static final int NONCE_LENGTH = 24;
    public static final int ENCRYPTED_COOKIE_OFFSET = 32;
    public static final int ENCRYPTED_COOKIE_LENGTH = 32;

    private ByteBuf buffer;
    private int offset;

    /**
     * Re-points this flyweight at the message starting at the absolute index {@code offset} of {@code buf}.
     * Borrows {@code buf}.
     *
     * @return this
     */
    public CookieReply wrap(ByteBuf buf, int offset) {
        this.buffer = buf;
        this.offset = offset;
        return this;
    }

    /** The wrapped buffer (borrowed, not retained). */
    public ByteBuf buffer() {
        return buffer;
    }

    /** Absolute index of the message start in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Writes the type 3 header (type byte and three zero reserved bytes). */
    public CookieReply writeHeader() {
        MessageType.writeHeader(buffer, offset, MessageType.COOKIE_REPLY);
        return this;
    }

    /** The sender index of the handshake message this reply answers. */
    public int receiverIndex() {
        return buffer.getIntLE(offset + RECEIVER_INDEX_OFFSET);
    }

    public CookieReply receiverIndex(int receiverIndex) {
        buffer.setIntLE(offset + RECEIVER_INDEX_OFFSET, receiverIndex);
        return this;
    }

    /** Copies the 24-byte XChaCha20 nonce into {@code dst[0..24)}. */
    public void getNonce(byte[] dst) {
        buffer.getBytes(offset + NONCE_OFFSET, dst, 0, NONCE_LENGTH);
    }

    public CookieReply setNonce(byte[] src) {
        buffer.setBytes(offset + NONCE_OFFSET, src, 0, NONCE_LENGTH);
        return this;
    }

    /** Copies the 32-byte encrypted cookie (16-byte cookie and tag) into {@code dst[0..32)}. */
    public void getEncryptedCookie(byte[] dst) {
        buffer.getBytes(offset + ENCRYPTED_COOKIE_OFFSET, dst, 0, ENCRYPTED_COOKIE_LENGTH);
    }

    public CookieReply setEncryptedCookie(byte[] src) {
        buffer.setBytes(offset + ENCRYPTED_COOKIE_OFFSET, src, 0, ENCRYPTED_COOKIE_LENGTH);
        return this;
    }
}
