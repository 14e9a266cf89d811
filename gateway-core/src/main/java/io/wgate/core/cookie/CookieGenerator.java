package io.wgate.core.cookie;

import io.netty.buffer.ByteBuf;
import io.wgate.core.Protocol;
import io.wgate.core.noise.Noise;
import io.wgate.core.wire.CookieReply;
import io.wgate.crypto.Blake2s;
import io.wgate.crypto.XChaCha20Poly1305;
import java.util.Arrays;

/**
 * The sending side of the DoS protection for one peer (whitepaper §5.4.4, §5.4.7): appends mac1 and,
 * while we hold a fresh cookie from that peer, mac2 to our handshake messages; consumes the cookie
 * replies the peer sends when it is under load. Owner thread only.
 */
public final class CookieGenerator {

    private final byte[] mac1Key;
    private final byte[] cookieKey;

    private final byte[] lastMac1Sent = new byte[Blake2s.MAC_LENGTH];
    private boolean haveSentMac1;

    private final byte[] cookie = new byte[Blake2s.MAC_LENGTH];
    private long cookieBirthNanos;
    private boolean haveCookie;

    /** The generator for messages sent to the peer with static public key {@code remoteStatic}. */
    public CookieGenerator(byte[] remoteStatic) {
        this.mac1Key = Blake2s.hash(Noise.LABEL_MAC1, remoteStatic);
        this.cookieKey = Blake2s.hash(Noise.LABEL_COOKIE, remoteStatic);
    }

    /**
     * Writes mac1 and mac2 into the last 32 bytes of the handshake message at
     * {@code buf[offset, offset+length)}: mac1 over everything before it, mac2 over everything before
     * it (mac1 included) keyed with the peer's cookie while that is younger than
     * {@code COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY}, else zeros. Borrows {@code buf}.
     */
    public void addMacs(ByteBuf buf, int offset, int length, long nowNanos) {
        int mac1Offset = offset + length - 2 * Blake2s.MAC_LENGTH;
        int mac2Offset = offset + length - Blake2s.MAC_LENGTH;
        byte[] mac1 = Blake2s.mac(mac1Key, buf, offset, mac1Offset - offset);
        buf.setBytes(mac1Offset, mac1);
        System.arraycopy(mac1, 0, lastMac1Sent, 0, mac1.length);
        haveSentMac1 = true;

        if (haveCookie && nowNanos - cookieBirthNanos
                < Protocol.COOKIE_SECRET_MAX_AGE_NANOS - Protocol.COOKIE_SECRET_LATENCY_NANOS) {
            buf.setBytes(mac2Offset, Blake2s.mac(cookie, buf, offset, mac2Offset - offset));
        } else {
            buf.setZero(mac2Offset, Blake2s.MAC_LENGTH);
        }
    }

    /**
     * Decrypts the cookie in a reply to our latest handshake message and keeps it for the next
     * retransmission's mac2 (we never resend at once). Returns false, changing nothing, when we have
     * not sent a mac1 since the last cookie or the reply does not authenticate. Borrows the reply's
     * buffer.
     */
    public boolean consumeReply(CookieReply reply, long nowNanos) {
        if (!haveSentMac1) {
            return false;
        }
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        reply.getNonce(nonce);
        byte[] encrypted = new byte[CookieReply.ENCRYPTED_COOKIE_LENGTH];
        reply.getEncryptedCookie(encrypted);
        byte[] opened = XChaCha20Poly1305.open(cookieKey, nonce, encrypted, lastMac1Sent);
        if (opened == null) {
            return false;
        }
        System.arraycopy(opened, 0, cookie, 0, cookie.length);
        Arrays.fill(opened, (byte) 0);
        cookieBirthNanos = nowNanos;
        haveCookie = true;
        haveSentMac1 = false;
        return true;
    }

    /** Whether a cookie is held (fresh or not). */
    public boolean hasCookie() {
        return haveCookie;
    }
}
