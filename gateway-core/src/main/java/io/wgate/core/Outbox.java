package io.wgate.core;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where the engine puts its outputs. The caller owns the outbox and decides when to flush, so a
 * batch of inputs becomes one batch of writes ({@code sendmmsg}, one TUN write burst). The engine never
 * performs I/O itself.
 */
public interface Outbox {

    /**
     * Queues a UDP payload for {@code recipient}. Takes ownership of {@code datagram}: its readable
     * bytes are the WireGuard message.
     *
     * @return true if the datagram was queued for sending; false if the outbox dropped it (and counted the
     *         drop), in which case the engine does not count its bytes as transmitted
     */
    boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient);

    /**
     * Queues a cookie reply for {@code recipient}, the first thing to give up when the socket pushes back: an outbox
     * may decline it while tunnel data and handshake messages still fit, so that a flood's replies never take their
     * room. Takes ownership of {@code reply}. By default the same as {@link #sendDatagram}.
     *
     * @return true if queued; false if declined (released, counted by the engine as
     *         {@link DropReason#COOKIE_REPLY_BACKPRESSURE})
     */
    default boolean sendCookieReply(ByteBuf reply, InetSocketAddress recipient) {
        return sendDatagram(reply, recipient);
    }

    /**
     * Queues a decrypted IP packet for the TUN device. Takes ownership of {@code packet}: its readable
     * bytes are exactly one IPv4 or IPv6 packet.
     */
    void writeToTunnel(ByteBuf packet);
}
