package io.wgate.core;

import io.netty.buffer.ByteBuf;
import io.wgate.core.noise.DecryptedInitiation;
import io.wgate.core.noise.Handshake;
import io.wgate.core.noise.SessionKeys;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.IndexEntry;
import io.wgate.core.peer.PeerTimers;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.CookieReply;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.MessageType;
import io.wgate.core.wire.Response;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * The handshake half of the engine (whitepaper §5.3, §5.4; kernel {@code receive.c}, wireguard-go
 * {@code device/receive.go}): verifies mac1, applies the
 * under-load cookie and rate-limit rules, consumes initiations, responses and cookie replies, and
 * creates initiations and responses. Runs on the owner thread from {@link Engine#onTick}.
 */
final class HandshakeProcessor {

    private static final System.Logger LOG = System.getLogger(HandshakeProcessor.class.getName());

    private final Engine engine;
    private final Initiation initiation = new Initiation();
    private final Response response = new Response();
    private final CookieReply cookieReply = new CookieReply();
    private final DecryptedInitiation decrypted = new DecryptedInitiation();

    HandshakeProcessor(Engine engine) {
        this.engine = engine;
    }

    /** Processes one queued handshake message. Borrows {@code message}. */
    void process(long nowNanos, ByteBuf message, InetSocketAddress source, Outbox out) {
        int type = MessageType.of(message);
        int offset = message.readerIndex();
        int length = message.readableBytes();
        if (type == MessageType.COOKIE_REPLY) {
            consumeCookieReply(nowNanos, message, offset);
            return;
        }
        // Evaluated for every handshake message, valid or not, so a flood of junk keeps us under load.
        boolean underLoad = engine.handshakeQueue.takenUnderLoad(nowNanos, engine.handshakeBacklog());
        engine.load.observe(nowNanos, underLoad);
        if (engine.identity == null) {
            reject(DropReason.NO_IDENTITY);
            return;
        }
        if (underLoad && engine.cookieReplyLimiter.globalExhausted(nowNanos)
                && engine.cookieChecker.mac2Absent(message, offset, length) && !engine.knownEndpoints.contains(source)) {
            // The most this message could get is a cookie reply, and none may go out now: dropped before mac1 costs a
            // BLAKE2s (a flood beyond the cookie-reply rate costs a look-up each; junk still spends no reply).
            reject(DropReason.COOKIE_REPLY_LIMITED);
            return;
        }
        if (!engine.cookieChecker.checkMac1(message, offset, length)) {
            reject(DropReason.INVALID_MAC1);
            return;
        }
        if (underLoad) {
            boolean mac2 = engine.cookieChecker.checkMac2(message, offset, length, source, nowNanos);
            if (!mac2 && engine.knownEndpoints.contains(source)
                    && engine.knownEndpointLimiter.allow(nowNanos, source.getAddress())) {
                // A peer's own endpoint (a peer restarted during a flood): no cookie round trip, its own rate limit.
                consume(type, nowNanos, message, offset, length, source, out);
                return;
            }
            if (!mac2) {
                if (!engine.cookieReplyLimiter.allow(nowNanos, source.getAddress())) {
                    reject(DropReason.COOKIE_REPLY_LIMITED);
                } else if (sendCookieReply(nowNanos, message, offset, length, source, out)) {
                    engine.drops.count(DropReason.COOKIE_REPLY_SENT); // answered, not failed: see sendCookieReply
                } else {
                    engine.drops.count(DropReason.COOKIE_REPLY_BACKPRESSURE);
                }
                return;
            }
            if (!engine.rateLimiter.allow(nowNanos, source.getAddress())) {
                reject(DropReason.RATE_LIMITED);
                return;
            }
        }
        consume(type, nowNanos, message, offset, length, source, out);
    }

    private void consume(int type, long nowNanos, ByteBuf message, int offset, int length, InetSocketAddress source,
                         Outbox out) {
        if (type == MessageType.INITIATION) {
            consumeInitiation(nowNanos, message, offset, length, source, out);
        } else {
            consumeResponse(nowNanos, message, offset, length, source, out);
        }
    }

    // ---------------------------------------------------------------- responder

    private void consumeInitiation(long nowNanos, ByteBuf message, int offset, int length, InetSocketAddress source,
                                   Outbox out) {
        HandshakeJobs jobs = engine.handshakeJobs;
        if (jobs != null) {
            HandshakeJob job = jobs.claim();
            if (job == null) {
                reject(DropReason.HANDSHAKE_QUEUE_FULL);
                return;
            }
            job.prepare(engine.identity, message, offset, source);
            jobs.submit(job); // the Diffie-Hellman runs on a worker; finishInitiation completes it here
            return;
        }
        initiation.wrap(message, offset);
        DropReason failure = Handshake.decryptInitiation(engine.identity, engine.config.aead(), initiation, decrypted);
        if (failure != null) {
            reject(failure);
            return;
        }
        consumeDecrypted(nowNanos, initiation, length, source, out);
    }

    /** The rest of an initiation whose Diffie-Hellman a worker did ({@link HandshakeJob}). */
    void finishInitiation(long nowNanos, HandshakeJob job, Outbox out) {
        if (job.identity() != engine.identity) {
            reject(DropReason.NO_IDENTITY); // our private key changed (or went) while the worker ran
            return;
        }
        if (job.failure() != null) {
            reject(job.failure());
            return;
        }
        // The worker's result moves into the processor's own holder: consumeDecrypted reads it from there.
        decrypted.takeFrom(job.decrypted());
        consumeDecrypted(nowNanos, job.initiation(), Initiation.LENGTH, job.source(), out);
    }

    /** After the initiator's static key was decrypted into {@link #decrypted}: the peer's rules and the response. */
    private void consumeDecrypted(long nowNanos, Initiation initiation, int length, InetSocketAddress source,
                                  Outbox out) {
        Peer peer = engine.peers.get(decrypted.remoteStatic());
        if (peer == null) {
            decrypted.clear();
            reject(DropReason.UNKNOWN_PEER);
            return;
        }
        DropReason failure = peer.handshake().consumeInitiation(decrypted, engine.config.aead(), initiation, nowNanos);
        decrypted.clear(); // consumed or rejected: either way nothing of it stays here
        if (failure != null) {
            reject(failure);
            return;
        }
        LOG.log(Level.DEBUG, "{0} - Received handshake initiation", peer.name());
        engine.counters.count(EngineEvent.INITIATION_RECEIVED);
        authenticatedReceive(nowNanos, peer, source, length);
        sendResponse(nowNanos, peer, out);
        engine.noteDeadline(peer);
    }

    private void sendResponse(long nowNanos, Peer peer, Outbox out) {
        ByteBuf buf = engine.config.allocator().directBuffer(Response.LENGTH);
        buf.writeZero(Response.LENGTH);
        response.wrap(buf, 0).writeHeader();
        response.senderIndex(newLocalIndex(peer));
        DropReason failure = peer.handshake().createResponse(engine.config.aead(), engine.config.entropy(), response);
        if (failure != null) {
            buf.release();
            reject(failure);
            return;
        }
        peer.cookieGenerator().addMacs(buf, 0, Response.LENGTH, nowNanos);
        beginSession(nowNanos, peer);
        peer.markHandshakeSent(nowNanos);
        LOG.log(Level.DEBUG, "{0} - Sending handshake response", peer.name());
        authenticatedSend(nowNanos, peer, buf, out);
        engine.counters.count(EngineEvent.RESPONSE_SENT);
    }

    // ---------------------------------------------------------------- initiator

    /**
     * Sends a new initiation to {@code peer} unless one (or a response) went out less than
     * REKEY_TIMEOUT ago. A non-retry resets the attempt counter (kernel {@code timers.c}).
     *
     * @return whether an initiation went out
     */
    boolean sendInitiation(long nowNanos, Peer peer, boolean isRetry, Outbox out) {
        if (!isRetry) {
            peer.timers().resetHandshakeAttempts();
        }
        if (peer.sentHandshakeWithin(nowNanos, Protocol.REKEY_TIMEOUT_NANOS)
                || engine.identity == null || peer.endpoint() == null) {
            return false;
        }
        peer.markHandshakeSent(nowNanos);
        ByteBuf buf = engine.config.allocator().directBuffer(Initiation.LENGTH);
        buf.writeZero(Initiation.LENGTH);
        initiation.wrap(buf, 0).writeHeader();
        initiation.senderIndex(newLocalIndex(peer));
        DropReason failure = peer.handshake().createInitiation(engine.identity, engine.config.aead(),
                engine.config.entropy(), engine.config.wallClock().epochNanos(), initiation);
        if (failure != null) {
            buf.release();
            engine.releaseHandshakeIndex(peer);
            reject(failure);
            return false;
        }
        peer.cookieGenerator().addMacs(buf, 0, Initiation.LENGTH, nowNanos);
        LOG.log(Level.DEBUG, "{0} - Sending handshake initiation", peer.name());
        authenticatedSend(nowNanos, peer, buf, out);
        engine.counters.count(EngineEvent.INITIATION_SENT);
        peer.timers().onHandshakeInitiated(nowNanos, engine.config.entropy());
        engine.noteDeadline(peer);
        return true;
    }

    private void consumeResponse(long nowNanos, ByteBuf message, int offset, int length, InetSocketAddress source,
                                 Outbox out) {
        response.wrap(message, offset);
        IndexEntry entry = engine.indices.get(response.receiverIndex());
        Peer peer = entry == null ? null : entry.handshakePeer();
        if (peer == null) {
            reject(DropReason.UNKNOWN_RECEIVER_INDEX);
            return;
        }
        DropReason failure = peer.handshake().consumeResponse(engine.identity, engine.config.aead(), response);
        if (failure != null) {
            reject(failure);
            return;
        }
        LOG.log(Level.DEBUG, "{0} - Received handshake response", peer.name());
        engine.counters.count(EngineEvent.RESPONSE_RECEIVED);
        authenticatedReceive(nowNanos, peer, source, length);
        beginSession(nowNanos, peer);
        handshakeComplete(peer);
        // Key confirmation for the responder: staged packets, or else a keepalive, go out now.
        engine.sender.sendKeepalive(nowNanos, peer, out);
        engine.noteDeadline(peer);
    }

    /** Records a completed handshake: timers, wall-clock time, and a state-change log line. */
    void handshakeComplete(Peer peer) {
        boolean first = peer.lastHandshakeEpochNanos() == 0;
        peer.timers().onHandshakeComplete();
        peer.setLastHandshakeEpochNanos(engine.config.wallClock().epochNanos());
        engine.counters.count(EngineEvent.HANDSHAKE_COMPLETED);
        LOG.log(first ? Level.INFO : Level.DEBUG, "{0} - Handshake complete, session established with {1}",
                peer.name(), peer.endpoint());
    }

    // ---------------------------------------------------------------- cookies

    /** Sends a cookie reply for {@code message}; false when the outbox declined it to keep room for data. */
    private boolean sendCookieReply(long nowNanos, ByteBuf message, int offset, int length, InetSocketAddress source,
                                    Outbox out) {
        int senderIndex = message.getIntLE(offset + Initiation.SENDER_INDEX_OFFSET); // same offset in a response
        ByteBuf buf = engine.config.allocator().directBuffer(CookieReply.LENGTH);
        buf.writeZero(CookieReply.LENGTH);
        engine.cookieChecker.createReply(message, offset, length, senderIndex, source, nowNanos, buf, 0);
        if (!out.sendCookieReply(buf, source)) {
            return false;
        }
        engine.counters.count(EngineEvent.COOKIE_REPLY_SENT);
        return true;
    }

    private void consumeCookieReply(long nowNanos, ByteBuf message, int offset) {
        cookieReply.wrap(message, offset);
        IndexEntry entry = engine.indices.get(cookieReply.receiverIndex());
        Peer peer = entry == null ? null : entry.owner();
        if (peer == null) {
            reject(DropReason.UNKNOWN_RECEIVER_INDEX);
            return;
        }
        if (!peer.cookieGenerator().consumeReply(cookieReply, nowNanos)) {
            reject(DropReason.INVALID_COOKIE_REPLY);
            return;
        }
        engine.counters.count(EngineEvent.COOKIE_REPLY_RECEIVED);
        LOG.log(Level.DEBUG, "{0} - Received cookie reply; the next handshake carries mac2", peer.name());
    }

    // ---------------------------------------------------------------- shared steps

    /** A handshake message rejected: counted as a dropped packet and as a failed handshake, both by reason. */
    private void reject(DropReason reason) {
        engine.drops.count(reason);
        engine.counters.countHandshakeFailure(reason);
    }

    private int newLocalIndex(Peer peer) {
        engine.releaseHandshakeIndex(peer);
        int index = engine.indices.insert(peer, engine.config.entropy());
        peer.handshake().setLocalIndex(index);
        return index;
    }

    private void beginSession(long nowNanos, Peer peer) {
        SessionKeys keys = peer.handshake().beginSession();
        Keypair keypair = new Keypair(peer, keys, nowNanos);
        keys.wipe();
        engine.indices.replace(keypair.localIndex(), keypair);
        peer.keypairs().install(keypair, engine.retireKeypair);
        peer.timers().onSessionDerived(nowNanos);
    }

    /** Roaming, counters and timers for a handshake message that authenticated. */
    private void authenticatedReceive(long nowNanos, Peer peer, InetSocketAddress source, int length) {
        engine.receiver.updateEndpoint(peer, source);
        peer.addRxBytes(length);
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(nowNanos, peer.persistentKeepaliveSeconds());
        timers.onAnyAuthenticatedPacketReceived();
    }

    private void authenticatedSend(long nowNanos, Peer peer, ByteBuf message, Outbox out) {
        int length = message.readableBytes();
        if (out.sendDatagram(message, peer.endpoint())) {
            peer.addTxBytes(length);
        }
        PeerTimers timers = peer.timers();
        timers.onAnyAuthenticatedPacketTraversal(nowNanos, peer.persistentKeepaliveSeconds());
        timers.onAnyAuthenticatedPacketSent();
    }
}
