package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.wgate.core.session.Keypair;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.ChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One transport message's AEAD work, cut out of the engine's data path so that it can run on another thread:
 * sealing a framed message (the counter is already assigned and written) or opening a received one (the replay
 * check waits until it has been authenticated). The engine fills a job on its owner thread and hands it to a
 * {@link CryptoQueue}; a worker calls {@link #run} exactly once; the owner records its result ({@link #finish}) and
 * then gives the job back to {@link Engine#onCryptoDone}, in the order the jobs were submitted, which finishes the
 * sequential part (send, or replay window, timers, routing) and {@link #clear clears} the job for reuse.
 *
 * <p>Threads: the fields are written by the owner before it publishes the job and read by the worker after it took
 * the job. The worker writes nothing into the job: {@link #run} returns the result, the queue carries it back with
 * its mark that the job is done, and the owner records it with {@link #finish} after it saw that mark. The queue's
 * publication (a release store and an acquire load) orders both hand-overs; the job itself has no synchronisation.
 * Since only the owner writes a job, the worker's read leaves the job's cache lines valid on the owner's core, and
 * the owner completes the job without fetching them back from the worker's (on two cores no difference could be
 * measured, benchmarks/README.md, seventh pass). A job never allocates. {@link #run} reads the job's own fields only
 * (the key, the counter, the content's native address and length), never the buffer object or the keypair: the owner
 * writes those for every packet (a buffer's indices and reference count, the keypair's send counter), and reading
 * them on another core would cost the worker a cache miss each, per packet ({@code CryptoPipelineBenchmark}). A
 * buffer with no native address (heap, composite) is sealed or opened through the buffer instead.
 *
 * <p>Buffer: the job owns {@link #buffer()} from the engine's hand-over until {@link Engine#onCryptoDone}, which
 * passes it on (to the outbox, or as the plaintext) or releases it.
 */
public final class CryptoJob {

    /** The job seals an outbound transport message. */
    public static final int SEAL = 1;
    /** The job opens an inbound transport message. */
    public static final int OPEN = 2;

    private int kind;
    private ByteBuf buffer;
    private Keypair keypair;
    /** The keypair's send key (seal) or receive key (open). */
    private AeadKey key;
    private long counter;
    private int contentOffset;
    private int contentLength;
    /** Native address of the content in {@link #buffer}, or 0 when the buffer has none. */
    private long contentAddress;
    private InetSocketAddress address;
    private boolean succeeded;

    /**
     * Seal {@code buffer[contentOffset, contentOffset + paddedLength)} (header written, padding zeroed, room for the
     * tag after it) with {@code keypair}'s send key and {@code counter}, for {@code recipient}. Owner thread.
     */
    void prepareSeal(Keypair keypair, ByteBuf buffer, int contentOffset, int paddedLength, long counter,
                     InetSocketAddress recipient) {
        set(SEAL, keypair, buffer, contentOffset, paddedLength, counter, recipient);
    }

    /**
     * Open {@code buffer[contentOffset, contentOffset + sealedLength)} (ciphertext and tag) with {@code keypair}'s
     * receive key and {@code counter}; it came from {@code source}. Owner thread.
     */
    void prepareOpen(Keypair keypair, ByteBuf buffer, int contentOffset, int sealedLength, long counter,
                     InetSocketAddress source) {
        set(OPEN, keypair, buffer, contentOffset, sealedLength, counter, source);
    }

    private void set(int newKind, Keypair newKeypair, ByteBuf newBuffer, int offset, int length, long newCounter,
                     InetSocketAddress newAddress) {
        // The worker may use the native address without the buffer's checks: the region must lie in the buffer.
        Objects.checkFromIndexSize(offset, newKind == SEAL ? length + ChaCha20Poly1305.TAG_LENGTH : length,
                newBuffer.capacity());
        kind = newKind;
        keypair = newKeypair;
        key = newKind == SEAL ? newKeypair.sendKey() : newKeypair.receiveKey();
        contentAddress = newBuffer.hasMemoryAddress() ? newBuffer.memoryAddress() + offset : 0;
        buffer = newBuffer;
        contentOffset = offset;
        contentLength = length;
        counter = newCounter;
        address = newAddress;
        succeeded = false;
    }

    /**
     * Does the AEAD work with the calling thread's {@code aead} and returns whether it sealed, or opened an authentic
     * message; writes nothing into the job (the owner records the result with {@link #finish}). A seal that throws
     * (it cannot with a live key: keys of retired keypairs are destroyed only after the jobs in flight, see
     * {@link CryptoQueue#retire}) and an open whose tag does not verify return false. Worker thread; never throws.
     */
    public boolean run(ChaCha20Poly1305 aead) {
        try {
            if (kind == SEAL) {
                if (contentAddress != 0) {
                    aead.sealAt(key, counter, contentAddress, contentLength);
                } else {
                    aead.seal(key, counter, buffer, contentOffset, contentLength);
                }
                return true;
            }
            return contentAddress != 0 ? aead.openAt(key, counter, contentAddress, contentLength)
                    : aead.open(key, counter, buffer, contentOffset, contentLength);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Records what {@link #run} returned, before the job goes to {@link Engine#onCryptoDone}. Owner thread, after the
     * queue's hand-over back; a job never finished counts as failed.
     */
    public void finish(boolean result) {
        succeeded = result;
    }

    /** {@link #SEAL} or {@link #OPEN}; 0 for a cleared job. */
    public int kind() {
        return kind;
    }

    /** The message buffer (owned by the job until it is completed). */
    public ByteBuf buffer() {
        return buffer;
    }

    /** The transport counter, the AEAD nonce (unsigned). */
    public long counter() {
        return counter;
    }

    /** The recipient of a sealed message, or the source of an opened one. */
    public InetSocketAddress address() {
        return address;
    }

    /** Whether {@link #run} sealed, or opened an authentic message, as {@link #finish} recorded it. */
    public boolean succeeded() {
        return succeeded;
    }

    Keypair keypair() {
        return keypair;
    }

    int contentOffset() {
        return contentOffset;
    }

    int contentLength() {
        return contentLength;
    }

    /** Drops every reference (the buffer has been passed on or released). Owner thread. */
    void clear() {
        kind = 0;
        buffer = null;
        keypair = null;
        key = null;
        contentAddress = 0;
        address = null;
        succeeded = false;
    }
}
