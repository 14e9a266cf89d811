package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.peer.StagedPackets;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.IpHeader;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.ChaCha20Poly1305;
import java.net.InetSocketAddress;

/**
 * The outbound half of the data path (whitepaper §3; kernel {@code send.c}, wireguard-go {@code device/send.go}):
 * route the packet by its
 * destination, stage it if no usable session exists (and start a handshake), otherwise assign the
 * next counter, pad, frame and encrypt in place, and hand the datagram to the outbox. Also sends
 * keepalives and applies the send-side rekey rule. Owner thread only; no allocation per packet when
 * the buffer has headroom and tailroom.
 */
final class TransportSender {

    private final Engine engine;

    TransportSender(Engine engine) {
        this.engine = engine;
    }

    /** A packet from the tunnel. Takes ownership of {@code packet}. */
    void send(long nowNanos, ByteBuf packet, Outbox out) {
        Peer peer = route(packet);
        if (peer == null) {
            packet.release();
            return;
        }
        if (peer.endpoint() == null) {
            engine.drops.count(DropReason.NO_ENDPOINT);
            packet.release();
            return;
        }
        StagedPackets staged = peer.staged();
        if (staged.isEmpty()) {
            Keypair keypair = peer.keypairs().current();
            if (keypair != null && keypair.canSend(nowNanos)) {
                sealAndSend(peer, keypair, packet, out);
                afterSend(nowNanos, peer, keypair, true, out); // routed packets hold at least an IP header
                return;
            }
        }
        if (staged.add(packet)) {
            engine.drops.count(DropReason.STAGED_QUEUE_FULL);
        }
        sendStaged(nowNanos, peer, out);
    }

    /** The peer whose AllowedIPs contain the packet's destination, or null (the drop is counted). */
    private Peer route(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        int version = length == 0 ? 0 : IpHeader.version(packet, index);
        Peer peer;
        if (version == 4 && length >= IpHeader.IPV4_HEADER_MIN) {
            peer = engine.allowedIps.lookupV4(IpHeader.ipv4Destination(packet, index));
        } else if (version == 6 && length >= IpHeader.IPV6_HEADER_LENGTH) {
            peer = engine.allowedIps.lookupV6(IpHeader.ipv6DestinationHigh(packet, index),
                    IpHeader.ipv6DestinationLow(packet, index));
        } else {
            engine.drops.count(DropReason.INVALID_TUNNEL_PACKET);
            return null;
        }
        if (peer == null) {
            engine.drops.count(DropReason.NO_ROUTE);
        }
        return peer;
    }

    /**
     * Sends what the peer has staged if its current keypair can send, else starts a handshake
     * (packets stay staged until the session exists).
     */
    void sendStaged(long nowNanos, Peer peer, Outbox out) {
        StagedPackets staged = peer.staged();
        if (staged.isEmpty() || peer.endpoint() == null) {
            return;
        }
        Keypair keypair = peer.keypairs().current();
        boolean sentAny = false;
        boolean sentData = false;
        while (keypair != null && keypair.canSend(nowNanos) && !staged.isEmpty()) {
            ByteBuf packet = staged.poll();
            sentData |= packet.isReadable();
            sealAndSend(peer, keypair, packet, out);
            sentAny = true;
        }
        if (!staged.isEmpty()) {
            engine.handshakes.sendInitiation(nowNanos, peer, false, out);
        }
        if (sentAny) {
            afterSend(nowNanos, peer, keypair, sentData, out);
        }
        engine.noteDeadline(peer);
    }

    /**
     * Sends a keepalive (an empty transport message): directly when a session can send and nothing
     * is staged, through the staged queue (which starts a handshake if needed) otherwise. Staged
     * packets already serve as the keepalive when there are any.
     */
    void sendKeepalive(long nowNanos, Peer peer, Outbox out) {
        if (peer.endpoint() == null) {
            return;
        }
        StagedPackets staged = peer.staged();
        if (staged.isEmpty()) {
            Keypair keypair = peer.keypairs().current();
            if (keypair != null && keypair.canSend(nowNanos)) {
                ByteBuf empty = engine.config.allocator().directBuffer(Transport.MIN_LENGTH);
                empty.setIndex(Transport.HEADER_LENGTH, Transport.HEADER_LENGTH);
                sealAndSend(peer, keypair, empty, out);
                afterSend(nowNanos, peer, keypair, false, out);
                engine.noteDeadline(peer);
                return;
            }
            staged.add(Unpooled.EMPTY_BUFFER);
        }
        sendStaged(nowNanos, peer, out);
    }

    /**
     * Assigns the next counter, frames and seals {@code packet} and queues it; with a {@link CryptoQueue}, frames it
     * and submits the sealing instead (the datagram is sent when the job completes). Takes ownership.
     */
    private void sealAndSend(Peer peer, Keypair keypair, ByteBuf packet, Outbox out) {
        CryptoQueue queue = engine.cryptoQueue;
        if (queue != null) {
            CryptoJob job = queue.claim();
            if (job == null) {
                engine.drops.count(DropReason.CRYPTO_QUEUE_FULL);
                packet.release();
                return;
            }
            int padded = Transport.paddedLength(packet.readableBytes(), engine.mtu);
            long counter = keypair.nextSendCounter();
            ByteBuf message = frame(packet, keypair, counter, padded);
            job.prepareSeal(keypair, message, message.readerIndex() + Transport.HEADER_LENGTH, padded, counter,
                    peer.endpoint());
            queue.submit(job);
            return;
        }
        ByteBuf message = encapsulate(packet, keypair, keypair.nextSendCounter());
        transmit(peer, message, peer.endpoint(), out);
    }

    /** Queues a sealed message for {@code recipient} and counts its bytes if the outbox took it. Takes ownership. */
    void transmit(Peer peer, ByteBuf message, InetSocketAddress recipient, Outbox out) {
        int length = message.readableBytes();
        if (out.sendDatagram(message, recipient)) {
            peer.addTxBytes(length);
        }
    }

    /**
     * Turns the plaintext packet into a transport message, in place when the buffer has
     * {@value Transport#HEADER_LENGTH} bytes of headroom and room for padding and tag; otherwise in a
     * new buffer (the packet is then released). Takes ownership of {@code packet}, returns the message.
     */
    ByteBuf encapsulate(ByteBuf packet, Keypair keypair, long counter) {
        int padded = Transport.paddedLength(packet.readableBytes(), engine.mtu);
        ByteBuf message = frame(packet, keypair, counter, padded);
        engine.config.aead().seal(keypair.sendKey(), counter, message, message.readerIndex() + Transport.HEADER_LENGTH,
                padded);
        return message;
    }

    /**
     * Frames the plaintext packet as a transport message still to be sealed: header, zero padding, readable bytes
     * covering header, padded plaintext and the tag's room. In place when the buffer allows (see
     * {@link #encapsulate}), else in a new buffer (the packet is then released). Takes ownership of {@code packet}.
     *
     * @param padded the plaintext's length with padding, {@link Transport#paddedLength} (the caller seals that many)
     */
    private ByteBuf frame(ByteBuf packet, Keypair keypair, long counter, int padded) {
        int length = packet.readableBytes();
        int messageLength = Transport.HEADER_LENGTH + padded + ChaCha20Poly1305.TAG_LENGTH;
        ByteBuf buf = packet;
        int start = packet.readerIndex() - Transport.HEADER_LENGTH;
        if (start < 0 || packet.capacity() - start < messageLength || packet.isReadOnly()
                || !(packet.hasMemoryAddress() || packet.hasArray())) {
            buf = engine.config.allocator().directBuffer(messageLength);
            buf.setBytes(Transport.HEADER_LENGTH, packet, packet.readerIndex(), length);
            packet.release();
            start = 0;
        }
        buf.setZero(start + Transport.HEADER_LENGTH + length, padded - length);
        Transport.writeHeader(buf, start, keypair.remoteIndex(), counter);
        buf.setIndex(start, start + messageLength);
        return buf;
    }

    /** Timer events and the send-side rekey rule after one or more messages went out on {@code keypair}. */
    private void afterSend(long nowNanos, Peer peer, Keypair keypair, boolean sentData, Outbox out) {
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(nowNanos, peer.persistentKeepaliveSeconds());
        timers.onAnyAuthenticatedPacketSent();
        if (sentData) {
            timers.onDataSent(nowNanos, engine.config.entropy());
        }
        if (Long.compareUnsigned(keypair.sendCounter(), Protocol.REKEY_AFTER_MESSAGES) > 0
                || (keypair.isInitiator() && keypair.ageNanos(nowNanos) > Protocol.REKEY_AFTER_TIME_NANOS)) {
            if (engine.handshakes.sendInitiation(nowNanos, peer, false, out)) {
                engine.counters.count(EngineEvent.REKEY);
            }
        }
        engine.noteDeadline(peer);
    }
}
