package io.wgate.crypto;

import io.netty.buffer.ByteBuf;

/**
 * ChaCha20-Poly1305 AEAD (RFC 8439), in place on {@link ByteBuf} regions.
 *
 * <p>Instances are <strong>not thread-safe</strong>: each owns native contexts or scratch memory, so
 * use one instance per thread and {@link #close()} it when the thread is done. Obtain one from
 * {@link AeadImplementation#newInstance()}.
 *
 * <p>Every method <strong>borrows</strong> the buffer: it reads and writes the given region by
 * absolute index for the duration of the call, never changes the reader or writer index or the
 * reference count, and keeps no reference afterwards. Direct, heap and composite buffers all work.
 * Nonce uniqueness per key is the caller's duty (WireGuard: the per-keypair send counter).
 */
public interface ChaCha20Poly1305 extends AutoCloseable {
    /** Poly1305 tag length in bytes. */
    int TAG_LENGTH = 16;
    /** RFC 8439 nonce length in bytes. */
    int NONCE_LENGTH = 12;

    /**
     * WireGuard transport form (whitepaper §5.4): nonce = 4 zero bytes ‖ little-endian 64-bit
     * {@code counter}, empty additional data. Encrypts {@code buf[offset, offset+length)} in place
     * and writes the 16-byte tag at {@code offset+length}; the caller guarantees the capacity.
     * Borrows {@code buf}.
     *
     * @throws IndexOutOfBoundsException if the region plus tag does not fit the buffer's capacity
     * @throws IllegalStateException if the key is destroyed, the instance is closed, or the library fails
     */
    void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length);

    /**
     * WireGuard transport form of open: {@code buf[offset, offset+length)} holds ciphertext ‖ tag
     * ({@code length >= 16}); decrypts in place to {@code buf[offset, offset+length-16)}.
     * Borrows {@code buf}.
     *
     * @return true iff the tag is authentic; on false the region's content is unspecified
     */
    boolean open(AeadKey key, long counter, ByteBuf buf, int offset, int length);

    /**
     * General form of {@link #seal(AeadKey, long, ByteBuf, int, int)}: any 12-byte {@code nonce} and
     * additional data {@code ad} ({@code null} means empty). Borrows {@code buf}.
     */
    void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length);

    /**
     * General form of {@link #open(AeadKey, long, ByteBuf, int, int)} with a 12-byte {@code nonce}
     * and additional data {@code ad} ({@code null} means empty). Borrows {@code buf}.
     *
     * @return true iff the tag is authentic; on false the region's content is unspecified
     */
    boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length);

    /** Human-readable implementation name for the start-up log line. */
    String name();

    /** Frees native resources; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
