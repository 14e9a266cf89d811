package io.wgate.core.cookie;

import io.netty.buffer.ByteBuf;
import io.wgate.core.Entropy;
import io.wgate.core.Protocol;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.core.wire.CookieReply;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.Blake2s;
import io.wgate.crypto.XChaCha20Poly1305;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The receiving side of the DoS protection (whitepaper §5.3, §5.4.4, §5.4.7; kernel {@code cookie.c}): verifies
 * mac1 on every handshake message addressed to us, verifies mac2 when we are under load, and mints
 * cookie replies. The cookie secret is regenerated lazily once older than
 * {@link Protocol#COOKIE_SECRET_MAX_AGE_NANOS}, which also expires every cookie handed out with it.
 *
 * <p>The cookie binds the source address as IP bytes followed by the big-endian port, as the kernel
 * does; only we ever check it, so the encoding is local. Owner thread only.
 */
public final class CookieChecker {

    private final Entropy entropy;
    private byte[] mac1Key;
    private byte[] cookieKey;

    private final byte[] secret = new byte[32];
    private long secretBirthNanos;
    private boolean haveSecret;

    /** A checker with no identity: every mac1 fails until {@link #setIdentity} is called. */
    public CookieChecker(Entropy entropy) {
        this.entropy = entropy;
    }

    /** Adopts the keys of a new identity ({@code null}: none). */
    public void setIdentity(StaticIdentity identity) {
        mac1Key = identity == null ? null : identity.mac1Key();
        cookieKey = identity == null ? null : identity.cookieKey();
    }

    /**
     * Whether the mac1 of the handshake message at {@code buf[offset, offset+length)} is valid,
     * compared in constant time. Borrows {@code buf}.
     */
    public boolean checkMac1(ByteBuf buf, int offset, int length) {
        if (mac1Key == null) {
            return false;
        }
        int mac1Offset = offset + length - 2 * Blake2s.MAC_LENGTH;
        byte[] expected = Blake2s.mac(mac1Key, buf, offset, mac1Offset - offset);
        return constantTimeEquals(expected, buf, mac1Offset);
    }

    /**
     * Whether the mac2 of the handshake message at {@code buf[offset, offset+length)} is valid for a
     * cookie we would give {@code source} now. Borrows {@code buf}.
     */
    public boolean checkMac2(ByteBuf buf, int offset, int length, InetSocketAddress source, long nowNanos) {
        int mac2Offset = offset + length - Blake2s.MAC_LENGTH;
        if (isZero(buf, mac2Offset)) {
            return false; // a sender without a cookie sends zeros: no need to compute the cookie and the MAC
        }
        byte[] cookie = cookieFor(source, nowNanos);
        byte[] expected = Blake2s.mac(cookie, buf, offset, mac2Offset - offset);
        Arrays.fill(cookie, (byte) 0);
        return constantTimeEquals(expected, buf, mac2Offset);
    }

    /**
     * Whether the handshake message at {@code buf[offset, offset+length)} carries no cookie: its mac2 is all zero, as a
     * sender without a cookie sends it (such a message never passes {@link #checkMac2}). Borrows {@code buf}.
     */
    public boolean mac2Absent(ByteBuf buf, int offset, int length) {
        return isZero(buf, offset + length - Blake2s.MAC_LENGTH);
    }

    /** Whether the {@link Blake2s#MAC_LENGTH} bytes at {@code at} are all zero (reads public bytes only). */
    private static boolean isZero(ByteBuf buf, int at) {
        return (buf.getLong(at) | buf.getLong(at + 8)) == 0;
    }

    /**
     * Writes a cookie reply to the handshake message at {@code message[offset, offset+length)} (sent
     * by {@code source}, with sender index {@code senderIndex}) into {@code out} at
     * {@code outOffset}; {@link CookieReply#LENGTH} bytes. Borrows both buffers.
     */
    public void createReply(ByteBuf message, int offset, int length, int senderIndex, InetSocketAddress source,
                            long nowNanos, ByteBuf out, int outOffset) {
        byte[] mac1 = new byte[Blake2s.MAC_LENGTH];
        message.getBytes(offset + length - 2 * Blake2s.MAC_LENGTH, mac1);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        entropy.nextBytes(nonce);
        byte[] cookie = cookieFor(source, nowNanos);
        byte[] encrypted = XChaCha20Poly1305.seal(cookieKey, nonce, cookie, mac1);
        Arrays.fill(cookie, (byte) 0);

        CookieReply reply = new CookieReply().wrap(out, outOffset);
        MessageType.writeHeader(out, outOffset, MessageType.COOKIE_REPLY);
        reply.receiverIndex(senderIndex);
        reply.setNonce(nonce);
        reply.setEncryptedCookie(encrypted);
    }

    /** The cookie for {@code source}: MAC(secret, ip || port), rotating the secret when it is stale. */
    byte[] cookieFor(InetSocketAddress source, long nowNanos) {
        if (!haveSecret || nowNanos - secretBirthNanos >= Protocol.COOKIE_SECRET_MAX_AGE_NANOS) {
            entropy.nextBytes(secret);
            secretBirthNanos = nowNanos;
            haveSecret = true;
        }
        byte[] ip = source.getAddress().getAddress();
        byte[] binding = Arrays.copyOf(ip, ip.length + 2);
        binding[ip.length] = (byte) (source.getPort() >>> 8);
        binding[ip.length + 1] = (byte) source.getPort();
        return Blake2s.mac(secret, binding, 0, binding.length);
    }

    private static boolean constantTimeEquals(byte[] expected, ByteBuf buf, int offset) {
        byte[] actual = new byte[expected.length];
        buf.getBytes(offset, actual);
        return MessageDigest.isEqual(expected, actual);
    }
}
