package io.wgate.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 through {@code javax.crypto.Cipher} ("ChaCha20-Poly1305", java-stack.md §3.2):
 * the portable fallback when OpenSSL is unavailable.
 *
 * <p>Heap buffers are processed in place in their backing array; other buffers are copied through a
 * per-instance scratch array (the JDK copies direct buffers internally anyway), which is wiped
 * afterwards. The JDK allocates inside {@code Cipher.init}, so this path is not allocation-free.
 *
 * <p>The JDK refuses to re-initialise an encrypting cipher with the previous key and nonce
 * ({@code InvalidKeyException}); WireGuard never repeats a nonce, but callers (tests, retries) may
 * legitimately seal the same message twice, so on that refusal we initialise once with a different
 * nonce and then retry. Not thread-safe: one instance per thread.
 */
final class JdkChaCha20Poly1305 extends AbstractChaCha20Poly1305 {
    static final String TRANSFORMATION = "ChaCha20-Poly1305";

    private final Cipher encryptCipher;
    private final Cipher decryptCipher;
    private final byte[] counterNonce = new byte[NONCE_LENGTH];

    /**
     * Creates the two ciphers.
     *
     * @throws IllegalStateException if the JDK has no ChaCha20-Poly1305
     */
    JdkChaCha20Poly1305() {
        Cipher encrypt;
        Cipher decrypt;
        try {
            encrypt = Cipher.getInstance(TRANSFORMATION);
            decrypt = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no " + TRANSFORMATION + " cipher: " + e, e);
        }
        super("JDK " + Runtime.version() + " javax.crypto " + TRANSFORMATION + " ("
                + encrypt.getProvider().getName() + ")");
        encryptCipher = encrypt;
        decryptCipher = decrypt;
    }

    @Override
    public void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
        AeadArguments.checkSealRegion(buf, offset, length);
        setCounterNonce(counter);
        process(key, counterNonce, null, buf, offset, length, true);
    }

    @Override
    public boolean open(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
        AeadArguments.checkOpenRegion(buf, offset, length);
        setCounterNonce(counter);
        return process(key, counterNonce, null, buf, offset, length, false);
    }

    @Override
    public void sealAt(AeadKey key, long counter, long address, int length) {
        AeadArguments.checkNativeRegion(address, length, false);
        setCounterNonce(counter);
        processAt(key, address, length, true);
    }

    @Override
    public boolean openAt(AeadKey key, long counter, long address, int length) {
        AeadArguments.checkNativeRegion(address, length, true);
        setCounterNonce(counter);
        return processAt(key, address, length, false);
    }

    @Override
    public void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
        AeadArguments.checkNonce(nonce);
        AeadArguments.checkSealRegion(buf, offset, length);
        process(key, nonce, ad, buf, offset, length, true);
    }

    @Override
    public boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
        AeadArguments.checkNonce(nonce);
        AeadArguments.checkOpenRegion(buf, offset, length);
        return process(key, nonce, ad, buf, offset, length, false);
    }

    /** WireGuard nonce: 4 zero bytes ‖ little-endian counter (whitepaper §5.4). */
    private void setCounterNonce(long counter) {
        for (int i = 0; i < 8; i++) {
            counterNonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }

    /**
     * Runs one operation on {@code buf[offset, offset+inputLength)}; the input is plaintext (seal)
     * or ciphertext ‖ tag (open).
     */
    private boolean process(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int inputLength,
                            boolean encrypt) {
        ensureOpen();
        Cipher cipher = encrypt ? encryptCipher : decryptCipher;
        init(cipher, keySpec(key), nonce, encrypt);
        if (ad != null && ad.length > 0) {
            cipher.updateAAD(ad);
        }
        if (buf.hasArray()) {
            return doFinal(cipher, buf.array(), buf.arrayOffset() + offset, inputLength);
        }
        int total = encrypt ? inputLength + TAG_LENGTH : inputLength;
        byte[] copy = copyScratch(total);
        try {
            buf.getBytes(offset, copy, 0, inputLength);
            boolean ok = doFinal(cipher, copy, 0, inputLength);
            if (ok) {
                buf.setBytes(offset, copy, 0, encrypt ? total : inputLength - TAG_LENGTH);
            }
            return ok;
        } finally {
            Arrays.fill(copy, 0, total, (byte) 0);
        }
    }

    /**
     * {@link #process} on native memory, through a buffer over it (the cipher works on arrays, so the region goes
     * through the scratch array as a direct buffer's does). The wrapper does not own the memory: releasing it frees
     * nothing.
     */
    private boolean processAt(AeadKey key, long address, int inputLength, boolean encrypt) {
        int total = encrypt ? inputLength + TAG_LENGTH : inputLength;
        ByteBuf region = Unpooled.wrappedBuffer(MemorySegment.ofAddress(address).reinterpret(total).asByteBuffer());
        try {
            return process(key, counterNonce, null, region, 0, inputLength, encrypt);
        } finally {
            region.release();
        }
    }

    private static boolean doFinal(Cipher cipher, byte[] array, int at, int inputLength) {
        try {
            cipher.doFinal(array, at, inputLength, array, at);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(TRANSFORMATION + " failed: " + e, e);
        }
    }

    private static void init(Cipher cipher, SecretKeySpec keySpec, byte[] nonce, boolean encrypt) {
        int mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        try {
            try {
                cipher.init(mode, keySpec, new IvParameterSpec(nonce));
            } catch (InvalidKeyException e) {
                if (!encrypt) {
                    throw e;
                }
                // "Matching key and nonce from previous initialization": step to another nonce once.
                byte[] other = nonce.clone();
                other[0] ^= 1;
                cipher.init(mode, keySpec, new IvParameterSpec(other));
                cipher.init(mode, keySpec, new IvParameterSpec(nonce));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(TRANSFORMATION + " init failed: " + e, e);
        }
    }

    /**
     * A fresh JCA key per call: caching it would keep a copy of the key alive after
     * {@link AeadKey#destroy()}; the cost is small next to {@code Cipher.init}.
     */
    private static SecretKeySpec keySpec(AeadKey key) {
        return new SecretKeySpec(key.bytes(), "ChaCha20");
    }

    /** Nothing beyond the scratch array, which {@link #close()} wipes. */
    @Override
    void release() {
    }
}
