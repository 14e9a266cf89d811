package io.wgate.crypto;

import static io.wgate.crypto.LibCrypto.ERR_CLEAR_ERROR;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_CTX_CTRL;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_CTX_CTRL_AT;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_FINAL_EX;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_INIT_EX;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_UPDATE;
import static io.wgate.crypto.LibCrypto.EVP_CIPHER_UPDATE_AT;
import static java.lang.foreign.MemorySegment.NULL;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * ChaCha20-Poly1305 through OpenSSL libcrypto's EVP interface, called with the FFM API.
 *
 * <p>Zero-copy: direct buffers are passed by address (a {@code long}, no segment made per call), heap buffers as
 * heap segments (the per-packet functions are bound {@code critical} with heap access). Buffers with several
 * components are processed through a copy. Each instance owns one encrypting and one decrypting
 * {@code EVP_CIPHER_CTX}, created once, plus native scratch for key, IV and out-lengths, so the
 * counter form allocates nothing per call. The contexts keep the last key until the next call or
 * {@link #close()} ({@code EVP_CIPHER_CTX_free} cleanses them).
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class OpenSslChaCha20Poly1305 extends AbstractChaCha20Poly1305 {
    private static final ValueLayout.OfLong COUNTER_LAYOUT = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long KEY_AT = 0;
    private static final long IV_AT = 32;
    private static final long OUTL_AT = 48;
    private static final long FINAL_OUT_AT = 64;
    private static final long SCRATCH_BYTES = 96;

    private final Arena arena;
    private final MemorySegment scratch;
    private final MemorySegment keySegment;
    private final MemorySegment ivSegment;
    private final MemorySegment outLength;
    private final MemorySegment finalOut;
    private final MemorySegment encryptContext;
    private final MemorySegment decryptContext;
    /**
     * The key array each context was last initialised with (identity: an {@link AeadKey}'s array is never reused for
     * another key), or null. The same key again only takes a new IV, which skips OpenSSL's key set-up and parameter
     * plumbing on the data path, where every packet of a session uses one key.
     */
    private byte[] encryptKeyLoaded;
    private byte[] decryptKeyLoaded;

    /**
     * Creates the two cipher contexts.
     *
     * @throws IllegalStateException if libcrypto is not loaded or a context cannot be set up
     */
    OpenSslChaCha20Poly1305() {
        if (LibCrypto.LOAD_FAILURE != null) {
            throw new IllegalStateException("OpenSSL unavailable: " + LibCrypto.LOAD_FAILURE);
        }
        super(LibCrypto.VERSION + " libcrypto (FFM)");
        arena = Arena.ofShared();
        MemorySegment enc = NULL;
        MemorySegment dec = NULL;
        try {
            scratch = arena.allocate(SCRATCH_BYTES, 16);
            keySegment = scratch.asSlice(KEY_AT, AeadKey.LENGTH);
            ivSegment = scratch.asSlice(IV_AT, NONCE_LENGTH);
            outLength = scratch.asSlice(OUTL_AT, Integer.BYTES);
            finalOut = scratch.asSlice(FINAL_OUT_AT, 32);
            enc = newContext(true);
            dec = newContext(false);
        } catch (RuntimeException | Error e) {
            freeContext(enc);
            freeContext(dec);
            arena.close();
            throw e;
        }
        encryptContext = enc;
        decryptContext = dec;
    }

    private static MemorySegment newContext(boolean encrypt) {
        try {
            MemorySegment ctx = (MemorySegment) LibCrypto.EVP_CIPHER_CTX_NEW.invokeExact();
            if (ctx.equals(NULL)) {
                throw new IllegalStateException("EVP_CIPHER_CTX_new returned NULL " + LibCrypto.drainErrors());
            }
            MemorySegment cipher = (MemorySegment) LibCrypto.EVP_CHACHA20_POLY1305.invokeExact();
            int ok = (int) EVP_CIPHER_INIT_EX.invokeExact(ctx, cipher, NULL, NULL, NULL, encrypt ? 1 : 0);
            if (ok != 1) {
                freeContext(ctx);
                throw new IllegalStateException("EVP_CipherInit_ex(EVP_chacha20_poly1305) failed: "
                        + LibCrypto.drainErrors());
            }
            return ctx;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot create an OpenSSL cipher context", t);
        }
    }

    private static void freeContext(MemorySegment ctx) {
        if (ctx.equals(NULL)) {
            return;
        }
        try {
            LibCrypto.EVP_CIPHER_CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw new IllegalStateException("EVP_CIPHER_CTX_free failed", t);
        }
    }

    @Override
    public void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
        AeadArguments.checkSealRegion(buf, offset, length);
        run(key, null, counter, null, buf, offset, length, true);
    }

    @Override
    public boolean open(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
        AeadArguments.checkOpenRegion(buf, offset, length);
        return run(key, null, counter, null, buf, offset, length - TAG_LENGTH, false);
    }

    @Override
    public void sealAt(AeadKey key, long counter, long address, int length) {
        AeadArguments.checkNativeRegion(address, length, false);
        run(key, null, counter, null, null, address, length, true);
    }

    @Override
    public boolean openAt(AeadKey key, long counter, long address, int length) {
        AeadArguments.checkNativeRegion(address, length, true);
        return run(key, null, counter, null, null, address, length - TAG_LENGTH, false);
    }

    @Override
    public void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
        AeadArguments.checkNonce(nonce);
        AeadArguments.checkSealRegion(buf, offset, length);
        run(key, nonce, 0, ad, buf, offset, length, true);
    }

    @Override
    public boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
        AeadArguments.checkNonce(nonce);
        AeadArguments.checkOpenRegion(buf, offset, length);
        return run(key, nonce, 0, ad, buf, offset, length - TAG_LENGTH, false);
    }

    /**
     * One checked operation on {@code buf[at, at+dataLength)}, or on native memory at address {@code at} when
     * {@code buf} is null, with its tag right after: takes the key bytes (failing if the key is destroyed), checks
     * this instance is open, loads the IV ({@code nonce}, or the WireGuard nonce of {@code counter} when
     * {@code nonce} is null) and runs the context of the direction.
     */
    private boolean run(AeadKey key, byte[] nonce, long counter, byte[] ad, ByteBuf buf, long at, int dataLength,
                        boolean encrypt) {
        byte[] k = key.bytes();
        ensureOpen();
        if (nonce == null) {
            setCounterNonce(counter);
        } else {
            MemorySegment.copy(nonce, 0, ivSegment, JAVA_BYTE, 0, NONCE_LENGTH);
        }
        MemorySegment keyArgument; // NULL keeps the key the context has
        if (k == (encrypt ? encryptKeyLoaded : decryptKeyLoaded)) {
            keyArgument = NULL;
        } else {
            MemorySegment.copy(k, 0, keySegment, JAVA_BYTE, 0, AeadKey.LENGTH);
            keyArgument = keySegment;
            setLoaded(encrypt, null); // until an init with it succeeded
        }
        MemorySegment ctx = encrypt ? encryptContext : decryptContext;
        boolean ok = buf == null
                ? crypt(ctx, keyArgument, ad, null, at, null, at + dataLength, dataLength, encrypt)
                : process(ctx, keyArgument, ad, buf, (int) at, dataLength, encrypt);
        setLoaded(encrypt, k); // the init succeeded (a failure threw), whether or not the tag matched
        return ok;
    }

    /** WireGuard nonce: 4 zero bytes ‖ little-endian counter (whitepaper §5.4). */
    private void setCounterNonce(long counter) {
        ivSegment.set(JAVA_INT_UNALIGNED, 0, 0);
        ivSegment.set(COUNTER_LAYOUT, 4, counter);
    }

    /** Picks the zero-copy view of {@code buf}: native address, heap array, single NIO buffer, or a copy. */
    private boolean process(MemorySegment ctx, MemorySegment key, byte[] ad, ByteBuf buf, int offset, int dataLength,
                            boolean encrypt) {
        if (buf.hasMemoryAddress()) {
            long address = buf.memoryAddress() + offset;
            return crypt(ctx, key, ad, null, address, null, address + dataLength, dataLength, encrypt);
        }
        if (buf.hasArray()) {
            MemorySegment array = MemorySegment.ofArray(buf.array());
            long at = (long) buf.arrayOffset() + offset;
            return crypt(ctx, key, ad, array.asSlice(at, dataLength), 0, array.asSlice(at + dataLength, TAG_LENGTH), 0,
                    dataLength, encrypt);
        }
        if (buf.nioBufferCount() == 1) {
            MemorySegment region = MemorySegment.ofBuffer(buf.nioBuffer(offset, dataLength + TAG_LENGTH));
            return crypt(ctx, key, ad, region.asSlice(0, dataLength), 0, region.asSlice(dataLength, TAG_LENGTH), 0,
                    dataLength, encrypt);
        }
        return processCopy(ctx, key, ad, buf, offset, dataLength, encrypt);
    }

    /** Composite buffers: copy the region out, process it as a heap array, copy it back, wipe the copy. */
    private boolean processCopy(MemorySegment ctx, MemorySegment key, byte[] ad, ByteBuf buf, int offset, int dataLength,
                                boolean encrypt) {
        int total = dataLength + TAG_LENGTH;
        byte[] copy = copyScratch(total);
        buf.getBytes(offset, copy, 0, encrypt ? dataLength : total);
        MemorySegment array = MemorySegment.ofArray(copy);
        try {
            boolean ok = crypt(ctx, key, ad, array.asSlice(0, dataLength), 0, array.asSlice(dataLength, TAG_LENGTH), 0,
                    dataLength, encrypt);
            buf.setBytes(offset, copy, 0, encrypt ? total : dataLength);
            return ok;
        } finally {
            Arrays.fill(copy, 0, total, (byte) 0);
        }
    }

    /**
     * One AEAD operation: re-initialise {@code ctx} with the IV and {@code key} (NULL: the key it has), feed AD,
     * transform {@code data} in place, finish, and get (seal) or check (open) the tag at {@code tag}. A null
     * {@code data} or {@code tag} segment means native memory at {@code dataAddress} or {@code tagAddress}.
     */
    private boolean crypt(MemorySegment ctx, MemorySegment key, byte[] ad, MemorySegment data, long dataAddress,
                          MemorySegment tag, long tagAddress, int dataLength, boolean encrypt) {
        try {
            check((int) EVP_CIPHER_INIT_EX.invokeExact(ctx, NULL, NULL, key, ivSegment, encrypt ? 1 : 0),
                    "EVP_CipherInit_ex");
            if (ad != null && ad.length > 0) {
                check((int) EVP_CIPHER_UPDATE.invokeExact(ctx, NULL, outLength, MemorySegment.ofArray(ad), ad.length),
                        "EVP_CipherUpdate(AD)");
            }
            if (!encrypt) {
                check(tagControl(ctx, LibCrypto.EVP_CTRL_AEAD_SET_TAG, tag, tagAddress),
                        "EVP_CIPHER_CTX_ctrl(SET_TAG)");
            }
            if (dataLength > 0) {
                check(data == null
                        ? (int) EVP_CIPHER_UPDATE_AT.invokeExact(ctx, dataAddress, outLength, dataAddress, dataLength)
                        : (int) EVP_CIPHER_UPDATE.invokeExact(ctx, data, outLength, data, dataLength),
                        "EVP_CipherUpdate");
                int written = outLength.get(JAVA_INT, 0);
                if (written != dataLength) {
                    throw new IllegalStateException("EVP_CipherUpdate wrote " + written + " of " + dataLength + " bytes");
                }
            }
            int finished = (int) EVP_CIPHER_FINAL_EX.invokeExact(ctx, finalOut, outLength);
            if (!encrypt) {
                if (finished != 1) {
                    ERR_CLEAR_ERROR.invokeExact();
                    return false;
                }
                return true;
            }
            check(finished, "EVP_CipherFinal_ex");
            check(tagControl(ctx, LibCrypto.EVP_CTRL_AEAD_GET_TAG, tag, tagAddress), "EVP_CIPHER_CTX_ctrl(GET_TAG)");
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        }
    }

    /** Sets or gets the tag at {@code tag}, or at native {@code tagAddress} when {@code tag} is null. */
    private static int tagControl(MemorySegment ctx, int type, MemorySegment tag, long tagAddress) throws Throwable {
        return tag == null
                ? (int) EVP_CIPHER_CTX_CTRL_AT.invokeExact(ctx, type, TAG_LENGTH, tagAddress)
                : (int) EVP_CIPHER_CTX_CTRL.invokeExact(ctx, type, TAG_LENGTH, tag);
    }

    private void setLoaded(boolean encrypt, byte[] key) {
        if (encrypt) {
            encryptKeyLoaded = key;
        } else {
            decryptKeyLoaded = key;
        }
    }

    private static void check(int result, String function) {
        if (result != 1) {
            throw new IllegalStateException(function + " returned " + result + ": " + LibCrypto.drainErrors());
        }
    }

    /** Frees both contexts (which cleanses them), wipes the native scratch and releases it. */
    @Override
    void release() {
        encryptKeyLoaded = null;
        decryptKeyLoaded = null;
        try {
            freeContext(encryptContext);
            freeContext(decryptContext);
        } finally {
            scratch.fill((byte) 0);
            arena.close();
        }
    }
}
