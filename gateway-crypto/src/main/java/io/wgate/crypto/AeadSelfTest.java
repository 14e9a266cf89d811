package io.wgate.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Start-up known-answer test of a {@link ChaCha20Poly1305} implementation against the RFC 8439 §2.8.2
 * AEAD example, on a heap and a direct buffer, plus a forged-tag rejection and a check that the
 * counter form equals the general form with nonce 0⁴ ‖ LE64(counter), and so does the native-address form (on the
 * direct buffer, which the crypto workers use).
 */
final class AeadSelfTest {
    // RFC 8439 §2.8.2 "Example and Test Vector for AEAD_CHACHA20_POLY1305".
    private static final byte[] KEY = Bytes.fromHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] NONCE = Bytes.fromHex("070000004041424344454647");
    private static final byte[] AD = Bytes.fromHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could offer you only one"
            + " tip for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEALED = Bytes.fromHex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
            + "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7"
            + "bc3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691");

    private AeadSelfTest() {
    }

    /** Runs the checks; returns null when all pass, else a description of the first mismatch. */
    static String check(ChaCha20Poly1305 aead) {
        AeadKey key = AeadKey.copyOf(KEY);
        try {
            for (boolean direct : new boolean[] {false, true}) {
                String kind = direct ? "direct buffer" : "heap buffer";
                ByteBuf buf = direct ? Unpooled.directBuffer(SEALED.length) : Unpooled.buffer(SEALED.length);
                try {
                    buf.setBytes(0, PLAINTEXT);
                    aead.seal(key, NONCE, AD, buf, 0, PLAINTEXT.length);
                    if (!Arrays.equals(contents(buf, SEALED.length), SEALED)) {
                        return "seal output differs from the RFC 8439 §2.8.2 ciphertext‖tag (" + kind + ")";
                    }
                    if (!aead.open(key, NONCE, AD, buf, 0, SEALED.length)
                            || !Arrays.equals(contents(buf, PLAINTEXT.length), PLAINTEXT)) {
                        return "open does not recover the RFC 8439 §2.8.2 plaintext (" + kind + ")";
                    }
                    buf.setBytes(0, SEALED);
                    buf.setByte(SEALED.length - 1, buf.getByte(SEALED.length - 1) ^ 1);
                    if (aead.open(key, NONCE, AD, buf, 0, SEALED.length)) {
                        return "open accepted a forged tag (" + kind + ")";
                    }
                    String counterMismatch = checkCounterForm(aead, key, buf);
                    if (counterMismatch != null) {
                        return counterMismatch + " (" + kind + ")";
                    }
                } finally {
                    buf.release();
                }
            }
            return null;
        } catch (RuntimeException e) {
            return "self-test threw " + e;
        } finally {
            key.destroy();
        }
    }

    private static String checkCounterForm(ChaCha20Poly1305 aead, AeadKey key, ByteBuf buf) {
        long counter = 0x0102030405060708L;
        byte[] nonce = Bytes.fromHex("000000000807060504030201");
        buf.setBytes(0, PLAINTEXT);
        aead.seal(key, nonce, null, buf, 0, PLAINTEXT.length);
        byte[] general = contents(buf, SEALED.length);
        buf.setBytes(0, PLAINTEXT);
        aead.seal(key, counter, buf, 0, PLAINTEXT.length);
        if (!Arrays.equals(contents(buf, SEALED.length), general)) {
            return "counter-form seal differs from the general form with nonce 0^4 || LE64(counter)";
        }
        if (!aead.open(key, counter, buf, 0, SEALED.length) || !Arrays.equals(contents(buf, PLAINTEXT.length), PLAINTEXT)) {
            return "counter-form open does not recover the plaintext";
        }
        return buf.hasMemoryAddress() ? checkAddressForm(aead, key, buf, counter, general) : null;
    }

    private static String checkAddressForm(ChaCha20Poly1305 aead, AeadKey key, ByteBuf buf, long counter,
                                           byte[] general) {
        long address = buf.memoryAddress();
        buf.setBytes(0, PLAINTEXT);
        aead.sealAt(key, counter, address, PLAINTEXT.length);
        if (!Arrays.equals(contents(buf, SEALED.length), general)) {
            return "native-address seal differs from the general form with nonce 0^4 || LE64(counter)";
        }
        if (!aead.openAt(key, counter, address, SEALED.length)
                || !Arrays.equals(contents(buf, PLAINTEXT.length), PLAINTEXT)) {
            return "native-address open does not recover the plaintext";
        }
        buf.setBytes(0, general);
        buf.setByte(0, buf.getByte(0) ^ 1);
        if (aead.openAt(key, counter, address, SEALED.length)) {
            return "native-address open accepted a forged message";
        }
        return null;
    }

    private static byte[] contents(ByteBuf buf, int length) {
        byte[] out = new byte[length];
        buf.getBytes(0, out);
        return out;
    }
}
