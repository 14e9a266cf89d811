package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.noise.Handshake;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.wire.MessageType;
import io.wgate.crypto.Bytes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Configuration operations on a live engine: keys, peers, allowed IPs. */
class EnginePeersTest {

    private final EnginePair pair = new EnginePair(41);

    @AfterEach
    void close() {
        pair.close();
    }

    private void establish() {
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(20, 1)));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void ownPublicKeyAndDuplicatesAreRejected() {
        IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
                () -> pair.alice.engine.addPeer(pair.alice.publicKey));
        assertTrue(own.getMessage().contains("own public key"));
        assertThrows(IllegalArgumentException.class, () -> pair.alice.engine.addPeer(pair.bob.publicKey));
        assertThrows(IllegalArgumentException.class, () -> pair.alice.engine.addPeer(new byte[31]));
    }

    @Test
    void changingThePrivateKeyExpiresSessionsAndHandshakesAgainAtOnce() {
        establish();
        Keypair before = pair.alice.peer.keypairs().current();
        byte[] newKey = pair.alice.privateKey.clone();
        newKey[5] ^= 0x40;
        pair.alice.engine.setPrivateKey(newKey);
        assertFalse(before.canSend(pair.now()));
        // Bob only knows the old key: he cannot complete a handshake with alice's new identity.
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(20, 2)));
        assertEquals(2, pair.sent(pair.alice, MessageType.INITIATION).size(), "a new initiation goes out at once");
        assertEquals(1, pair.bob.engine.drops().get(DropReason.UNKNOWN_PEER));
        pair.bob.takeTunnel().forEach(ByteBuf::release);
    }

    @Test
    void packetsStagedWithoutAPrivateKeyGoOutOnceOneIsSet() {
        pair.alice.engine.setPrivateKey(null);
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, 1)));
        assertEquals(1, pair.alice.peer.staged().size());
        assertEquals(0, pair.sent(pair.alice, MessageType.INITIATION).size(), "no identity: no handshake");
        pair.alice.engine.setPrivateKey(pair.alice.privateKey);
        pair.run();
        assertEquals(1, pair.sent(pair.alice, MessageType.INITIATION).size(), "as the kernel does on a new key");
        List<ByteBuf> received = pair.bob.takeTunnel();
        assertEquals(1, received.size(), "the staged packet arrives");
        received.forEach(ByteBuf::release);
    }

    @Test
    void indicesDoNotLeakAcrossManyRekeysWithLoss() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        pair.bob.peer.setEndpoint(EnginePair.ALICE_ADDRESS);
        pair.setNetwork((from, to, datagram) -> random.nextInt(100) >= 20);
        for (int i = 0; i < 400; i++) {
            if (random.nextBoolean()) {
                pair.alice.engine.onTunnelPacket(pair.now(),
                        Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(40, i)), pair.alice.outbox);
            }
            if (random.nextBoolean()) {
                pair.bob.engine.onTunnelPacket(pair.now(),
                        Packets.udp4("10.0.0.2", "10.0.0.1", Packets.payload(40, i)), pair.bob.outbox);
            }
            pair.advance(EnginePair.seconds(random.nextInt(1, 40)));
            pair.alice.takeTunnel().forEach(ByteBuf::release);
            pair.bob.takeTunnel().forEach(ByteBuf::release);
            for (EnginePair.Side side : new EnginePair.Side[] {pair.alice, pair.bob}) {
                var keypairs = side.peer.keypairs();
                int live = (keypairs.previous() != null ? 1 : 0) + (keypairs.current() != null ? 1 : 0)
                        + (keypairs.next() != null ? 1 : 0) + (side.peer.handshake().hasLocalIndex() ? 1 : 0);
                assertEquals(live, side.engine.indices.size(), side + " at step " + i);
            }
        }
    }

    @Test
    void settingTheSameKeyAgainChangesNothing() {
        establish();
        Keypair before = pair.alice.peer.keypairs().current();
        pair.alice.engine.setPrivateKey(pair.alice.privateKey.clone());
        assertSame(before, pair.alice.peer.keypairs().current());
        assertTrue(before.canSend(pair.now()));
    }

    @Test
    void aPeerWithOurNewPublicKeyIsRemoved() {
        pair.alice.engine.setPrivateKey(pair.bob.privateKey);
        assertNull(pair.alice.engine.peer(pair.bob.publicKey));
        assertTrue(pair.alice.engine.peers().isEmpty());
    }

    @Test
    void removingAPeerWipesItsSessionsAndRoutes() {
        establish();
        Keypair keypair = pair.bob.peer.keypairs().current();
        Peer removed = pair.bob.peer;
        pair.bob.engine.removePeer(removed);
        assertTrue(keypair.isDestroyed());
        assertTrue(removed.isRemoved());
        assertTrue(pair.bob.engine.allowedIps(removed).isEmpty());
        pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(20, 3)));
        assertEquals(1, pair.bob.engine.drops().get(DropReason.UNKNOWN_RECEIVER_INDEX));
    }

    @Test
    void allowedIpMovesBetweenPeersAndListsSorted() {
        Peer carol = pair.alice.engine.addPeer(pair.entropyKey());
        pair.alice.engine.addAllowedIp(carol, Prefix.parse("192.168.1.0/24"));
        assertEquals(List.of(Prefix.parse("10.0.0.2/32"), Prefix.parse("fd00::2/128")),
                pair.alice.engine.allowedIps(pair.alice.peer));
        assertEquals(List.of(Prefix.parse("192.168.1.0/24")), pair.alice.engine.allowedIps(carol));
        assertTrue(pair.alice.engine.removeAllowedIp(carol, Prefix.parse("192.168.1.0/24")));
        assertFalse(pair.alice.engine.removeAllowedIp(carol, Prefix.parse("192.168.1.0/24")));
        assertNotNull(carol);
    }

    // ---------------------------------------------------------------- keys wiped

    @Test
    void replacingThePrivateKeyWipesTheOldOneAndSettingTheSameKeyKeepsIt() {
        StaticIdentity first = pair.alice.engine.identity;
        pair.alice.engine.setPrivateKey(pair.alice.privateKey.clone());
        assertSame(first, pair.alice.engine.identity, "the same key again changes nothing");
        assertArrayEquals(pair.alice.privateKey, first.privateKey());

        byte[] newKey = pair.alice.privateKey.clone();
        newKey[5] ^= 0x40;
        pair.alice.engine.setPrivateKey(newKey);
        assertArrayEquals(new byte[32], first.privateKey(), "the replaced key is wiped");
        StaticIdentity second = pair.alice.engine.identity;
        assertArrayEquals(newKey, second.privateKey());
        Arrays.fill(newKey, (byte) 0);
        assertFalse(Bytes.isAllZero(second.privateKey()), "the engine keeps its own copy");

        pair.alice.engine.setPrivateKey(null);
        assertArrayEquals(new byte[32], second.privateKey(), "a removed key is wiped");
    }

    @Test
    void closingWipesOurPrivateKeyAndEveryPresharedKey() {
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 7);
        pair.alice.peer.handshake().setPresharedKey(psk);
        pair.bob.peer.handshake().setPresharedKey(psk);
        establish();
        StaticIdentity identity = pair.alice.engine.identity;
        Handshake handshake = pair.alice.peer.handshake();
        assertTrue(handshake.hasPresharedKey());

        pair.alice.engine.close();

        assertArrayEquals(new byte[32], identity.privateKey());
        assertFalse(handshake.hasPresharedKey());
        assertArrayEquals(new byte[32], handshake.presharedKey());
    }

    @Test
    void removingAPeerWipesItsPresharedKey() {
        Peer carol = pair.alice.engine.addPeer(pair.entropyKey());
        carol.handshake().setPresharedKey(pair.entropyKey());
        Handshake handshake = carol.handshake();
        pair.alice.engine.removePeer(carol);
        assertFalse(handshake.hasPresharedKey());
    }
}
