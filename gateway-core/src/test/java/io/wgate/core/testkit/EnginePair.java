package io.wgate.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.Engine;
import io.wgate.core.EngineConfig;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.core.session.Keypair;
import io.wgate.core.wire.MessageType;
import io.wgate.core.wire.Transport;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.X25519;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two engines wired back to back through a simulated network, with one hand-driven clock and seeded
 * entropy: the harness for every protocol behaviour test (and the engine benchmarks).
 *
 * <p>Alice (the Main Office, 192.0.2.1:51820) knows Bob's endpoint; Bob (the Satellite,
 * 198.51.100.2:51820) learns Alice's from her first authenticated packet. Alice routes 10.0.0.2/32
 * and 192.168.1.0/24 to Bob; Bob routes 10.0.0.1/32 and 10.10.10.0/24 to Alice. Datagrams travel
 * with zero latency; {@link #setNetwork} can drop or tamper with them. Everything that crossed the
 * network is logged in {@link #log()}.
 */
public final class EnginePair implements AutoCloseable {

    /** Decides whether a datagram in flight is delivered; may modify its content. */
    @FunctionalInterface
    public interface Network {
        boolean deliver(Side from, Side to, ByteBuf datagram);
    }

    /** One datagram that crossed (or was offered to) the network. */
    public record Sent(long atNanos, String from, int type, int length, InetSocketAddress recipient, byte[] bytes,
                       boolean delivered) {

        /** A transport message's receiver index: the remote index of the keypair it was sealed with. */
        public int receiverIndex() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(Transport.RECEIVER_INDEX_OFFSET);
        }

        /** A transport message's counter (unsigned), the nonce it was sealed with. */
        public long counter() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(Transport.COUNTER_OFFSET);
        }
    }

    /** One end of the tunnel. */
    public static final class Side {
        public final String name;
        public final Engine engine;
        public final RecordingOutbox outbox = new RecordingOutbox();
        public final byte[] privateKey;
        public final byte[] publicKey;
        /** This side's outer address, as the other side sees it; change it to simulate roaming. */
        public InetSocketAddress address;
        /** This side's peer entry for the other side. */
        public Peer peer;
        /** Plaintext packets this side's engine wrote to its tunnel; the test releases them. */
        public final List<ByteBuf> tunnel = new ArrayList<>();

        Side(String name, Engine engine, byte[] privateKey, InetSocketAddress address) {
            this.name = name;
            this.engine = engine;
            this.privateKey = privateKey;
            this.publicKey = X25519.publicKey(privateKey);
            this.address = address;
            engine.setPrivateKey(privateKey);
        }

        /** Removes and returns the tunnel packets received so far. */
        public List<ByteBuf> takeTunnel() {
            List<ByteBuf> taken = new ArrayList<>(tunnel);
            tunnel.clear();
            return taken;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final InetSocketAddress ALICE_ADDRESS = new InetSocketAddress(Packets.inet("192.0.2.1"), 51820);
    public static final InetSocketAddress BOB_ADDRESS = new InetSocketAddress(Packets.inet("198.51.100.2"), 51820);

    public final ManualClock clock = new ManualClock();
    public final SeededEntropy entropy;
    public final Side alice;
    public final Side bob;
    private final List<ChaCha20Poly1305> aeads = new ArrayList<>();
    private final List<Sent> log = new ArrayList<>();
    private Network network = (from, to, datagram) -> true;

    /** A pair with the default (fastest available) AEAD. */
    public EnginePair(long seed) {
        this(seed, AeadImplementation.select("auto"));
    }

    public EnginePair(long seed, AeadImplementation aead) {
        this.entropy = new SeededEntropy(seed);
        alice = new Side("alice", newEngine(aead), newKey(), ALICE_ADDRESS);
        bob = new Side("bob", newEngine(aead), newKey(), BOB_ADDRESS);
        alice.peer = alice.engine.addPeer(bob.publicKey);
        bob.peer = bob.engine.addPeer(alice.publicKey);
        alice.peer.setEndpoint(BOB_ADDRESS);
        alice.engine.addAllowedIp(alice.peer, Prefix.parse("10.0.0.2/32"));
        alice.engine.addAllowedIp(alice.peer, Prefix.parse("192.168.1.0/24"));
        alice.engine.addAllowedIp(alice.peer, Prefix.parse("fd00::2/128"));
        bob.engine.addAllowedIp(bob.peer, Prefix.parse("10.0.0.1/32"));
        bob.engine.addAllowedIp(bob.peer, Prefix.parse("10.10.10.0/24"));
        bob.engine.addAllowedIp(bob.peer, Prefix.parse("fd00::1/128"));
    }

    private Engine newEngine(AeadImplementation implementation) {
        ChaCha20Poly1305 aead = implementation.newInstance();
        aeads.add(aead);
        return new Engine(EngineConfig.of(PooledByteBufAllocator.DEFAULT, aead, entropy, clock));
    }

    /** A fresh public key drawn from this pair's entropy, for extra peers. */
    public byte[] entropyKey() {
        return X25519.publicKey(newKey());
    }

    private byte[] newKey() {
        byte[] random = new byte[32];
        entropy.nextBytes(random);
        return X25519.privateKeyFrom(random);
    }

    /** Replaces the network model. */
    public void setNetwork(Network network) {
        this.network = network;
    }

    /** The other side. */
    public Side other(Side side) {
        return side == alice ? bob : alice;
    }

    /** Everything offered to the network so far. */
    public List<Sent> log() {
        return log;
    }

    /** Logged datagrams sent by {@code side} with message type {@code type}. */
    public List<Sent> sent(Side side, int type) {
        List<Sent> matching = new ArrayList<>();
        for (Sent s : log) {
            if (s.from().equals(side.name) && s.type() == type) {
                matching.add(s);
            }
        }
        return matching;
    }

    /** Transport messages {@code side} sealed with {@code keypair} (addressed to its remote index), in order. */
    public List<Sent> sentOn(Side side, Keypair keypair) {
        List<Sent> matching = new ArrayList<>();
        for (Sent s : sent(side, MessageType.TRANSPORT)) {
            if (s.receiverIndex() == keypair.remoteIndex()) {
                matching.add(s);
            }
        }
        return matching;
    }

    /** Hands {@code packet} to {@code side}'s engine as if read from its TUN, then runs the network until quiet. */
    public void sendPacket(Side side, ByteBuf packet) {
        side.engine.onTunnelPacket(clock.nanos(), packet, side.outbox);
        run();
    }

    /** Delivers an arbitrary datagram to {@code to} as if it came from {@code source}, then runs until quiet. */
    public void inject(Side to, ByteBuf datagram, InetSocketAddress source) {
        to.engine.onDatagram(clock.nanos(), datagram, source, to.outbox);
        run();
    }

    /**
     * Runs at the current time until nothing moves: due ticks fire, datagrams are delivered, tunnel
     * packets collected.
     */
    public void run() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Side side : new Side[] {alice, bob}) {
                if (side.engine.nextDeadlineNanos() <= clock.nanos()) {
                    side.engine.onTick(clock.nanos(), side.outbox);
                    moved = true;
                }
                moved |= flush(side);
            }
        }
    }

    /** Advances the clock by {@code duration}, firing every timer at its exact deadline on the way. */
    public void advance(Duration duration) {
        long target = clock.nanos() + duration.toNanos();
        run();
        while (true) {
            long next = Math.min(alice.engine.nextDeadlineNanos(), bob.engine.nextDeadlineNanos());
            if (next > target) {
                break;
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
            run();
        }
        clock.advanceTo(target);
        run();
    }

    /** Advances the clock to {@code targetNanos} (not in the past), firing every timer at its exact deadline. */
    public void advanceTo(long targetNanos) {
        advance(Duration.ofNanos(targetNanos - clock.nanos()));
    }

    private boolean flush(Side from) {
        Side to = other(from);
        boolean moved = false;
        for (RecordingOutbox.Datagram d : from.outbox.takeDatagrams()) {
            moved = true;
            ByteBuf content = d.content();
            boolean addressed = d.recipient().equals(to.address);
            boolean delivered = addressed && network.deliver(from, to, content);
            log.add(new Sent(clock.nanos(), from.name, d.type(), d.length(), d.recipient(), Packets.bytes(content),
                    delivered));
            if (delivered) {
                to.engine.onDatagram(clock.nanos(), content, from.address, to.outbox);
            } else {
                content.release();
            }
        }
        for (ByteBuf packet : from.outbox.takeTunnelPackets()) {
            moved = true;
            from.tunnel.add(packet);
        }
        return moved;
    }

    /** Convenience: the clock's monotonic time. */
    public long now() {
        return clock.nanos();
    }

    /** Convenience for tests: a {@link Duration} of seconds. */
    public static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    @Override
    public void close() {
        for (Side side : new Side[] {alice, bob}) {
            side.outbox.releaseAll();
            for (ByteBuf packet : side.tunnel) {
                packet.release();
            }
            side.tunnel.clear();
            side.engine.close();
        }
        for (ChaCha20Poly1305 aead : aeads) {
            aead.close();
        }
    }
}
