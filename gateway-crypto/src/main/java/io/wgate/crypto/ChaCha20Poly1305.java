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
     * The transport form of {@link #seal(AeadKey, long, ByteBuf, int, int)} on native memory: encrypts the
     * {@code length} bytes at {@code address} in place and writes the tag right after them. For a thread that must
     * not read the buffer object itself: a crypto worker, whose buffers' fields the event loop writes for every
     * packet, so that reading them on another core would cost a cache miss per packet. The caller guarantees that
     * {@code [address, address + length + 16)} is native memory of a live buffer it holds for the whole call (a
     * direct {@code ByteBuf}'s {@code memoryAddress()} plus an offset it checked against the capacity); nothing
     * else can be checked here.
     *
     * @throws IllegalArgumentException if {@code address} is 0, or {@code length} is negative or leaves no room for
     *     the tag in an {@code int}
     * @throws IllegalStateException if the key is destroyed, the instance is closed, or the library fails
     */
    void sealAt(AeadKey key, long counter, long address, int length);

    /**
     * The transport form of {@link #open(AeadKey, long, ByteBuf, int, int)} on native memory: the {@code length}
     * bytes at {@code address} hold ciphertext ‖ tag ({@code length >= 16}); decrypts them in place. Same contract
     * as {@link #sealAt}.
     *
     * @return true iff the tag is authentic; on false the region's content is unspecified
     * @throws IllegalArgumentException if {@code address} is 0 or {@code length} is shorter than the tag
     * @throws IllegalStateException if the key is destroyed, the instance is closed, or the library fails
     */
    boolean openAt(AeadKey key, long counter, long address, int length);

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
