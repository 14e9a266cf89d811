package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.wgate.core.peer.Peer;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.IpHeader;
import io.wgate.core.wire.Transport;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * The inbound half of the data path (protocol.md §1.15 step 3): receiver index to keypair, age
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

    /** A type 4 message of valid length from {@code source}. Takes ownership of {@code datagram}. */
    void receive(long nowNanos, ByteBuf datagram, InetSocketAddress source, Outbox out) {
        DropReason drop = decapsulate(nowNanos, datagram, source, out);
        if (drop != null) {
            engine.drops.count(drop);
            datagram.release();
        }
    }

    /** Returns null when {@code datagram} was consumed (handed on or released), else why to drop it. */
    private DropReason decapsulate(long nowNanos, ByteBuf datagram, InetSocketAddress source, Outbox out) {
        int offset = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (!(engine.indices.get(Transport.receiverIndex(datagram, offset)) instanceof Keypair keypair)) {
            return DropReason.UNKNOWN_RECEIVER_INDEX;
        }
        if (!keypair.canReceive(nowNanos)) {
            return DropReason.KEYPAIR_EXPIRED;
        }
        long counter = Transport.counter(datagram, offset);
        int content = offset + Transport.HEADER_LENGTH;
        if (!engine.config.aead().open(keypair.receiveKey(), counter, datagram, content,
                length - Transport.HEADER_LENGTH)) {
            return DropReason.DECRYPTION_FAILED;
        }
        if (!keypair.replayWindow().validate(counter, Protocol.REJECT_AFTER_MESSAGES)) {
            return DropReason.REPLAYED;
        }

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
            datagram.release();
            engine.noteDeadline(peer);
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
        out.writeToTunnel(datagram);
        return null;
    }

    /** Roaming: the endpoint follows the source of every authenticated packet (protocol.md §1.13). */
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
