package io.wgate.core.wire;

import io.netty.buffer.ByteBuf;

/**
 * Static accessors for a type 4 transport data message, at least {@value #MIN_LENGTH} bytes (whitepaper §5.4.6 and
 * §1.7; whitepaper §5.4.6). Static rather than a flyweight instance because the data path only ever touches the two
 * header fields.
 *
 * <pre>
 *  0               4               8                               16
 * +---------------+---------------+-------------------------------+
 * | type=4, 0,0,0 | receiver_index|      counter (LE u64)         |
 * +---------------+---------------+-------------------------------+
 *  16
 * +---------------------------------------------------------------+
 * | encrypted_encapsulated_packet: AEAD(plaintext padded to 16)   |
 * |   (padded length + 16-byte tag; an empty keepalive is 32 B)   |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Integers are little-endian; {@code offset} is the absolute index of the message start. All methods borrow the
 * buffer and never move its reader or writer index.
 */
public final class Transport {

    /** Length of the header in front of the encrypted content. */
    public static final int HEADER_LENGTH = 16;
    public static final int RECEIVER_INDEX_OFFSET = 4;
    public static final int COUNTER_OFFSET = 8;
    public static final int CONTENT_OFFSET = 16;
    /** Poly1305 tag length that follows the ciphertext. */
    public static final int TAG_LENGTH = 16;
    /** Shortest valid message: header plus the tag of an empty (keepalive) plaintext. */
    public static final int MIN_LENGTH = HEADER_LENGTH + TAG_LENGTH;
    /** Plaintext is zero-padded to a multiple of this (kernel {@code MESSAGE_PADDING_MULTIPLE}). */
    public static final int PADDING_MULTIPLE = 16;

    private Transport() {
    }

    /** Reads the receiver index of the message at {@code offset}. Borrows {@code buf}. */
    public static int receiverIndex(ByteBuf buf, int offset) {
        return buf.getIntLE(offset + RECEIVER_INDEX_OFFSET);
    }

    /** Reads the counter (an unsigned 64-bit value, also the AEAD nonce) at {@code offset}. Borrows {@code buf}. */
    public static long counter(ByteBuf buf, int offset) {
        return buf.getLongLE(offset + COUNTER_OFFSET);
    }

    /**
     * Writes the complete 16-byte header (type 4, zero reserved bytes, receiver index, counter) at {@code offset},
     * typically into headroom in front of the plaintext. Borrows {@code buf}.
     */
    public static void writeHeader(ByteBuf buf, int offset, int receiverIndex, long counter) {
        buf.setIntLE(offset, MessageType.TRANSPORT);
        buf.setIntLE(offset + RECEIVER_INDEX_OFFSET, receiverIndex);
        buf.setLongLE(offset + COUNTER_OFFSET, counter);
    }

    /**
     * Zero bytes to append to a plaintext packet of {@code length} bytes for a tunnel MTU of {@code mtu}
     * ({@code 0} = no MTU known): pad to a multiple of 16 but never past the MTU. Same arithmetic as kernel
     * {@code send.c calculate_skb_padding} and wireguard-go {@code calculatePaddingSize} (whitepaper §5.4.6):
     * {@code last = length; if (mtu != 0 && last > mtu) last %= mtu; padded = min(roundUp16(last), mtu)};
     * the padding is {@code padded - last}.
     */
    public static int paddingLength(int length, int mtu) {
        int last = length;
        if (mtu == 0) {
            return roundUp16(last) - last;
        }
        if (last > mtu) {
            last %= mtu;
        }
        return Math.min(roundUp16(last), mtu) - last;
    }

    /**
     * Plaintext length after padding, {@code length + paddingLength(length, mtu)}: the size of the content that gets
     * encrypted. Never smaller than {@code length}, a multiple of 16 or capped at the MTU.
     */
    public static int paddedLength(int length, int mtu) {
        return length + paddingLength(length, mtu);
    }

    /** Wire length of a transport message carrying a plaintext of {@code length} bytes padded for {@code mtu}. */
    public static int messageLength(int length, int mtu) {
        return HEADER_LENGTH + paddedLength(length, mtu) + TAG_LENGTH;
    }

    private static int roundUp16(int n) {
        return (n + PADDING_MULTIPLE - 1) & -PADDING_MULTIPLE;
    }
}
