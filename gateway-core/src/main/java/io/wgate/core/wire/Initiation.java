package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a type 1 handshake initiation, exactly {@value #LENGTH} bytes (whitepaper §5.4.2;
 * kernel {@code messages.h}).
 *
 * <pre>
 *  0               4               8                              40
 * +---------------+---------------+------------------------------+
 * | type=1, 0,0,0 | sender_index  |  unencrypted_ephemeral (32)  |
 * +---------------+---------------+------------------------------+
 *  40                                       88                  116
 * +-----------------------------------------+--------------------+
 * | encrypted_static (32 + 16 tag)          | encrypted_timestamp|
 * |                                         |  (12 + 16 tag)     |
 * +-----------------------------------------+--------------------+
 *  116              132              148
 * +----------------+----------------+
 * |   mac1 (16)    |   mac2 (16)    |
 * +----------------+----------------+
 * </pre>
 *
 * <p>Integers are little-endian; offsets are relative to the message start given to {@link #wrap}. The flyweight
 * borrows the buffer it wraps: it never retains or releases it, and it must not be used after the caller releases the
 * buffer. Accessors use absolute indices and never move the reader or writer index. Byte-array accessors copy exactly
 * the field length to or from index 0 of the array.
 * Integer fields have fluent {@code name()} / {@code name(int)} accessors; byte-array fields use Netty's
 * absolute-access verbs {@code getName(byte[] dst)} / {@code setName(byte[] src)}, since Java cannot overload
 * {@code name(byte[])} on the direction. Not thread-safe; one instance per owner thread, re-wrapped per packet.
 */
public final class Initiation {

    /** Exact length of the message on the wire. */
    public static final int LENGTH = 148;
    public static final int SENDER_INDEX_OFFSET = 4;
    public static final int EPHEMERAL_OFFSET = 8;
    public static final int EPHEMERAL_LENGTH = 32;
    public static final int ENCRYPTED_STATIC_OFFSET = 40;
    public static final int ENCRYPTED_STATIC_LENGTH = 48;
    public static final int ENCRYPTED_TIMESTAMP_OFFSET = 88;
    public static final int ENCRYPTED_TIMESTAMP_LENGTH = 28;
    public static final int MAC1_OFFSET = 116;
    public static final int MAC2_OFFSET = 132;
    public static final int MAC_LENGTH = 16;

    private ByteBuf buffer;
    private int offset;

    /**
     * Re-points this flyweight at the message starting at the absolute index {@code offset} of {@code buf}.
     * Borrows {@code buf}.
     *
     * @return this
     */
    public Initiation wrap(ByteBuf buf, int offset) {
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

    /** Writes the type 1 header (type byte and three zero reserved bytes). */
    public Initiation writeHeader() {
        MessageType.writeHeader(buffer, offset, MessageType.INITIATION);
        return this;
    }

    public int senderIndex() {
        return buffer.getIntLE(offset + SENDER_INDEX_OFFSET);
    }

    public Initiation senderIndex(int senderIndex) {
        buffer.setIntLE(offset + SENDER_INDEX_OFFSET, senderIndex);
        return this;
    }

    /** Copies the 32-byte unencrypted ephemeral public key into {@code dst[0..32)}. */
    public void getEphemeral(byte[] dst) {
        buffer.getBytes(offset + EPHEMERAL_OFFSET, dst, 0, EPHEMERAL_LENGTH);
    }

    /** Writes {@code src[0..32)} as the unencrypted ephemeral public key. */
    public Initiation setEphemeral(byte[] src) {
        buffer.setBytes(offset + EPHEMERAL_OFFSET, src, 0, EPHEMERAL_LENGTH);
        return this;
    }

    /** Copies the 48-byte encrypted static key (ciphertext and tag) into {@code dst[0..48)}. */
    public void getEncryptedStatic(byte[] dst) {
        buffer.getBytes(offset + ENCRYPTED_STATIC_OFFSET, dst, 0, ENCRYPTED_STATIC_LENGTH);
    }

    public Initiation setEncryptedStatic(byte[] src) {
        buffer.setBytes(offset + ENCRYPTED_STATIC_OFFSET, src, 0, ENCRYPTED_STATIC_LENGTH);
        return this;
    }

    /** Copies the 28-byte encrypted TAI64N timestamp (ciphertext and tag) into {@code dst[0..28)}. */
    public void getEncryptedTimestamp(byte[] dst) {
        buffer.getBytes(offset + ENCRYPTED_TIMESTAMP_OFFSET, dst, 0, ENCRYPTED_TIMESTAMP_LENGTH);
    }

    public Initiation setEncryptedTimestamp(byte[] src) {
        buffer.setBytes(offset + ENCRYPTED_TIMESTAMP_OFFSET, src, 0, ENCRYPTED_TIMESTAMP_LENGTH);
        return this;
    }

    /** Copies mac1 into {@code dst[0..16)}. mac1 covers bytes {@code [0, MAC1_OFFSET)}. */
    public void getMac1(byte[] dst) {
        buffer.getBytes(offset + MAC1_OFFSET, dst, 0, MAC_LENGTH);
    }

    public Initiation setMac1(byte[] src) {
        buffer.setBytes(offset + MAC1_OFFSET, src, 0, MAC_LENGTH);
        return this;
    }

    /** Copies mac2 into {@code dst[0..16)}. mac2 covers bytes {@code [0, MAC2_OFFSET)}, mac1 included. */
    public void getMac2(byte[] dst) {
        buffer.getBytes(offset + MAC2_OFFSET, dst, 0, MAC_LENGTH);
    }

    public Initiation setMac2(byte[] src) {
        buffer.setBytes(offset + MAC2_OFFSET, src, 0, MAC_LENGTH);
        return this;
    }
}
