package io.wgate.crypto;

import java.util.Arrays;

/**
 * The instance life cycle both {@link ChaCha20Poly1305} implementations share: a name fixed at
 * construction, a scratch array for buffers that cannot be processed in place, and a one-way
 * {@link #close()} after which every operation throws. Not thread-safe, like its subclasses.
 */
abstract sealed class AbstractChaCha20Poly1305 implements ChaCha20Poly1305
        permits JdkChaCha20Poly1305, OpenSslChaCha20Poly1305 {

    private final String name;
    private byte[] copyScratch = new byte[0];
    private boolean closed;

    AbstractChaCha20Poly1305(String name) {
        this.name = name;
    }

    /** Throws if {@link #close()} was called; operations call it before touching key or buffer. */
    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " instance already closed");
        }
    }

    /**
     * The per-instance scratch array, grown to at least {@code length} bytes. The caller wipes the part it
     * used before returning; {@link #close()} wipes it all again.
     */
    final byte[] copyScratch(int length) {
        if (copyScratch.length < length) {
            copyScratch = new byte[length];
        }
        return copyScratch;
    }

    /** Frees what the subclass holds besides the scratch array; called once, by the first {@link #close()}. */
    abstract void release();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        Arrays.fill(copyScratch, (byte) 0);
        release();
    }

    @Override
    public final String toString() {
        return name;
    }
}
