package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a type 2 handshake response, exactly {@value #LENGTH} bytes (whitepaper §5.4.3;
 * kernel {@code messages.h}).
 *
 * <pre>
 *  0               4               8               12                             44
 * +---------------+---------------+---------------+------------------------------+
 * | type=2, 0,0,0 | sender_index  | receiver_index|  unencrypted_ephemeral (32)  |
 * +---------------+---------------+---------------+------------------------------+
 *  44                 60               76               92
 * +------------------+----------------+----------------+
 * | encrypted_nothing|   mac1 (16)    |   mac2 (16)    |
 * |   (16, tag only) |                |                |
 * +------------------+----------------+----------------+
 * </pre>
 *
 * <p>Integers are little-endian; offsets are relative to the message start given to {@link #wrap}. The flyweight
 * borrows the buffer it wraps: it never retains or releases it. Accessors use absolute indices and never move the
 * reader or writer index. Byte-array accessors copy exactly the field length to or from index 0 of the array.
 * Integer fields have fluent {@code name()} / {@code name(int)} accessors; byte-array fields use Netty's
 * absolute-access verbs {@code getName(byte[] dst)} / {@code setName(byte[] src)}, since Java cannot overload
 * {@code name(byte[])} on the direction. Not thread-safe.
 */
public final class Response {

    /** Exact length of the message on the wire. */
    public static final int LENGTH = 92;
    public static final int SENDER_INDEX_OFFSET = 4;
    public static final int RECEIVER_INDEX_OFFSET = 8;
    public static final int EPHEMERAL_OFFSET = 12;
    public static final int EPHEMERAL_LENGTH = 32;
    public static final int ENCRYPTED_NOTHING_OFFSET = 44;
    public static final int ENCRYPTED_NOTHING_LENGTH = 16;
    public static final int MAC1_OFFSET = 60;
    public static final int MAC2_OFFSET = 76;
    public static final int MAC_LENGTH = 16;

    private ByteBuf buffer;
    private int offset;

    /**
     * Re-points this flyweight at the message starting at the absolute index {@code offset} of {@code buf}.
     * Borrows {@code buf}.
     *
     * @return this
     */
    public Response wrap(ByteBuf buf, int offset) {
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

    /** Writes the type 2 header (type byte and three zero reserved bytes). */
    public Response writeHeader() {
        MessageType.writeHeader(buffer, offset, MessageType.RESPONSE);
        return this;
    }

    public int senderIndex() {
        return buffer.getIntLE(offset + SENDER_INDEX_OFFSET);
    }

    public Response senderIndex(int senderIndex) {
        buffer.setIntLE(offset + SENDER_INDEX_OFFSET, senderIndex);
        return this;
    }

    /** The initiator's sender index this response answers. */
    public int receiverIndex() {
        return buffer.getIntLE(offset + RECEIVER_INDEX_OFFSET);
    }

    public Response receiverIndex(int receiverIndex) {
        buffer.setIntLE(offset + RECEIVER_INDEX_OFFSET, receiverIndex);
        return this;
    }

    /** Copies the 32-byte unencrypted ephemeral public key into {@code dst[0..32)}. */
    public void getEphemeral(byte[] dst) {
        buffer.getBytes(offset + EPHEMERAL_OFFSET, dst, 0, EPHEMERAL_LENGTH);
    }

    public Response setEphemeral(byte[] src) {
        buffer.setBytes(offset + EPHEMERAL_OFFSET, src, 0, EPHEMERAL_LENGTH);
        return this;
    }

    /** Copies the 16-byte encrypted empty payload (the AEAD tag) into {@code dst[0..16)}. */
    public void getEncryptedNothing(byte[] dst) {
        buffer.getBytes(offset + ENCRYPTED_NOTHING_OFFSET, dst, 0, ENCRYPTED_NOTHING_LENGTH);
    }

    public Response setEncryptedNothing(byte[] src) {
        buffer.setBytes(offset + ENCRYPTED_NOTHING_OFFSET, src, 0, ENCRYPTED_NOTHING_LENGTH);
        return this;
    }

    /** Copies mac1 into {@code dst[0..16)}. mac1 covers bytes {@code [0, MAC1_OFFSET)}. */
    public void getMac1(byte[] dst) {
        buffer.getBytes(offset + MAC1_OFFSET, dst, 0, MAC_LENGTH);
    }

    public Response setMac1(byte[] src) {
        buffer.setBytes(offset + MAC1_OFFSET, src, 0, MAC_LENGTH);
        return this;
    }

    /** Copies mac2 into {@code dst[0..16)}. mac2 covers bytes {@code [0, MAC2_OFFSET)}, mac1 included. */
    public void getMac2(byte[] dst) {
        buffer.getBytes(offset + MAC2_OFFSET, dst, 0, MAC_LENGTH);
    }

    public Response setMac2(byte[] src) {
        buffer.setBytes(offset + MAC2_OFFSET, src, 0, MAC_LENGTH);
        return this;
    }
}
