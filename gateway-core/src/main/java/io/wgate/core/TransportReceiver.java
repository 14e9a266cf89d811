package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.route.IndexEntry;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.IpHeader;
import io.wgate.core.wire.Transport;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * The inbound half of the data path (whitepaper §3; kernel {@code receive.c}, wireguard-go {@code device/receive.go}):
 * receiver index to keypair, age
 * check, in-place AEAD open, replay window (only after authentication), key confirmation, roaming,
 * receive-side rekey, timers; keepalives stop there; otherwise the inner packet's length and the
 * cryptokey-routing source check, and the plaintext slice of the same buffer goes to the tunnel.
 * Owner thread only; no allocation per packet.
 */
final class TransportReceiver {

    private static final System.Logger LOG = System.getLogger(TransportReceiver.class.getName());

    private final Engine engine;

    TransportReceiver(Engine engine) {
        this.engine = engine;
    }

    /**
     * A type 4 message of valid length from {@code source}. Takes ownership of {@code datagram}.
     *
     * @return the plaintext packet (a slice of the datagram's buffer, owned by the caller) when it is to be written
     *     to the tunnel; null when it was dropped (counted), was a keepalive, or was submitted to the
     *     {@link CryptoQueue} (the plaintext then comes from {@link #complete})
     */
    ByteBuf receive(long nowNanos, ByteBuf datagram, InetSocketAddress source, Outbox out) {
        int offset = datagram.readerIndex();
        int length = datagram.readableBytes();
        DropReason drop;
        IndexEntry entry = engine.indices.get(Transport.receiverIndex(datagram, offset));
        Keypair keypair = entry == null ? null : entry.keypair();
        if (keypair == null) {
            drop = DropReason.UNKNOWN_RECEIVER_INDEX;
        } else if (!keypair.canReceive(nowNanos)) {
            drop = DropReason.KEYPAIR_EXPIRED;
        } else {
            long counter = Transport.counter(datagram, offset);
            int content = offset + Transport.HEADER_LENGTH;
            int sealedLength = length - Transport.HEADER_LENGTH;
            CryptoQueue queue = engine.cryptoQueue;
            if (queue != null) {
                CryptoJob job = queue.claim();
                if (job != null) {
                    job.prepareOpen(keypair, datagram, content, sealedLength, counter, source);
                    queue.submit(job);
                    return null;
                }
                drop = DropReason.CRYPTO_QUEUE_FULL;
            } else if (engine.config.aead().open(keypair.receiveKey(), counter, datagram, content, sealedLength)) {
                return authenticated(nowNanos, keypair, counter, datagram, source, out);
            } else {
                drop = DropReason.DECRYPTION_FAILED;
            }
        }
        engine.drops.count(drop);
        datagram.release();
        return null;
    }

    /** An open job came back from the workers (in submission order): the rest of {@link #receive}. */
    ByteBuf complete(long nowNanos, CryptoJob job, Outbox out) {
        ByteBuf datagram = job.buffer();
        if (!job.succeeded()) {
            engine.drops.count(DropReason.DECRYPTION_FAILED);
            datagram.release();
            return null;
        }
        return authenticated(nowNanos, job.keypair(), job.counter(), datagram, job.address(), out);
    }

    /**
     * The message authenticated: replay window, key confirmation, roaming, rekey, timers, then the inner packet's
     * checks. Takes ownership of {@code datagram}; returns the plaintext or null (keepalive, or dropped and counted).
     */
    private ByteBuf authenticated(long nowNanos, Keypair keypair, long counter, ByteBuf datagram,
                                  InetSocketAddress source, Outbox out) {
        DropReason drop = deliver(nowNanos, keypair, counter, datagram, source, out);
        if (drop != null) {
            engine.drops.count(drop);
            datagram.release();
            return null;
        }
        if (!datagram.isReadable()) { // a keepalive stops here
            datagram.release();
            return null;
        }
        return datagram;
    }

    /**
     * Returns why to drop the message, or null when it passed: the datagram's indices then frame the plaintext
     * packet, or nothing for a keepalive.
     */
    private DropReason deliver(long nowNanos, Keypair keypair, long counter, ByteBuf datagram,
                               InetSocketAddress source, Outbox out) {
        if (!keypair.replayWindow().validate(counter, Protocol.REJECT_AFTER_MESSAGES)) {
            return DropReason.REPLAYED;
        }
        int offset = datagram.readerIndex();
        int length = datagram.readableBytes();
        int content = offset + Transport.HEADER_LENGTH;
        Peer peer = keypair.peer();
        updateEndpoint(peer, source);
        peer.addRxBytes(length);
        if (peer.keypairs().receivedWith(keypair, engine.retireKeypair)) {
            engine.handshakes.handshakeComplete(peer);
            engine.sender.sendStaged(nowNanos, peer, out);
        }
        keepKeyFreshReceiving(nowNanos, peer, out);
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(nowNanos, peer.persistentKeepaliveSeconds());
        timers.onAnyAuthenticatedPacketReceived();

        int plaintextLength = length - Transport.MIN_LENGTH;
        if (plaintextLength == 0) { // keepalive
            engine.noteDeadline(peer);
            datagram.setIndex(content, content);
            return null;
        }
        timers.onDataReceived(nowNanos);
        engine.noteDeadline(peer);

        int version = IpHeader.version(datagram, content);
        int packetLength = IpHeader.packetLength(datagram, content, plaintextLength);
        if ((version != 4 && version != 6) || packetLength < 0 || packetLength > plaintextLength) {
            return DropReason.INVALID_INNER_PACKET;
        }
        Peer owner = version == 4
                ? engine.allowedIps.lookupV4(IpHeader.ipv4Source(datagram, content))
                : engine.allowedIps.lookupV6(IpHeader.ipv6SourceHigh(datagram, content),
                        IpHeader.ipv6SourceLow(datagram, content));
        if (owner != peer) {
            return DropReason.NOT_ALLOWED_SOURCE;
        }
        datagram.setIndex(content, content + packetLength);
        return null;
    }

    /** Roaming: the endpoint follows the source of every authenticated packet (whitepaper §2.1). */
    void updateEndpoint(Peer peer, InetSocketAddress source) {
        InetSocketAddress current = peer.endpoint();
        if (!source.equals(current)) {
            peer.setEndpoint(source);
            if (current != null) {
                engine.counters.count(EngineEvent.ENDPOINT_CHANGED);
                LOG.log(Level.INFO, "{0} - Endpoint changed from {1} to {2}", peer.name(), current, source);
            }
        }
    }

    /**
     * Receive-side rekey: the initiator of the current keypair starts a new handshake once, when the
     * keypair is older than REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT (165 s), so a
     * session that only receives never reaches the hard limit. Responders never rekey on time alone.
     */
    private void keepKeyFreshReceiving(long nowNanos, Peer peer, Outbox out) {
        if (peer.timers().sentLastMinuteHandshake()) {
            return;
        }
        Keypair current = peer.keypairs().current();
        if (current != null && current.isInitiator() && current.ageNanos(nowNanos)
                > Protocol.REJECT_AFTER_TIME_NANOS - Protocol.KEEPALIVE_TIMEOUT_NANOS - Protocol.REKEY_TIMEOUT_NANOS) {
            peer.timers().markLastMinuteHandshakeSent();
            if (engine.handshakes.sendInitiation(nowNanos, peer, false, out)) {
                engine.counters.count(EngineEvent.REKEY);
            }
        }
    }
}
