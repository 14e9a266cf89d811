package io.wgate.crypto;

import io.netty.buffer.ByteBuf;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/** Argument checks shared by the {@link ChaCha20Poly1305} implementations. */
final class AeadArguments {
    private AeadArguments() {
    }

    /** Checks that {@code [offset, offset+length+16)} fits the capacity of a live, writable buffer. */
    static void checkSealRegion(ByteBuf buf, int offset, int length) {
        checkWritable(buf);
        checkSealLength(length);
        Objects.checkFromIndexSize(offset, length + ChaCha20Poly1305.TAG_LENGTH, buf.capacity());
    }

    /** Checks that {@code [offset, offset+length)} fits a live, writable buffer and holds at least a tag. */
    static void checkOpenRegion(ByteBuf buf, int offset, int length) {
        checkWritable(buf);
        checkOpenLength(length);
        Objects.checkFromIndexSize(offset, length, buf.capacity());
    }

    /**
     * Checks a native region of {@code length} bytes (plaintext, or ciphertext with its tag when {@code open}) with
     * the length rules of the buffer forms; its bounds are the caller's to guarantee.
     */
    static void checkNativeRegion(long address, int length, boolean open) {
        if (address == 0) {
            throw new IllegalArgumentException("native address 0");
        }
        if (open) {
            checkOpenLength(length);
        } else {
            checkSealLength(length);
        }
    }

    private static void checkSealLength(int length) {
        if (length < 0 || length > Integer.MAX_VALUE - ChaCha20Poly1305.TAG_LENGTH) {
            throw new IllegalArgumentException("plaintext length out of range: " + length);
        }
    }

    private static void checkOpenLength(int length) {
        if (length < ChaCha20Poly1305.TAG_LENGTH) {
            throw new IllegalArgumentException("ciphertext length " + length + " is shorter than the "
                    + ChaCha20Poly1305.TAG_LENGTH + "-byte tag");
        }
    }

    /** Checks a general-form nonce. */
    static void checkNonce(byte[] nonce) {
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != ChaCha20Poly1305.NONCE_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 nonce must be "
                    + ChaCha20Poly1305.NONCE_LENGTH + " bytes, got " + nonce.length);
        }
    }

    private static void checkWritable(ByteBuf buf) {
        Objects.requireNonNull(buf, "buf");
        if (buf.refCnt() == 0) {
            throw new IllegalStateException("buffer already released (refCnt 0)");
        }
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
    }
}
