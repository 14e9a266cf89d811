package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.wgate.core.CryptoJob;
import io.wgate.core.DropReason;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.core.testkit.RecordingOutbox;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crypto workers against their naive twin, the inline engine: two engine pairs built from the same seed hold the
 * same keys, and Alice of one seals and opens inline while Alice of the other goes through {@link CryptoWorkers} with
 * 1-4 workers and a small ring (so it wraps and fills), the owner running the jobs no worker took at the end of each
 * batch (as the event loop does) or leaving every job to the workers. A seeded random stream of outbound packets (IPv4
 * and IPv6, every size, some without a route) and inbound datagrams from Bob (some bit-flipped, replayed, or from a
 * source Bob may not use), cut into random batches, goes into both; after every batch both Alices must have sent the
 * same datagrams, byte for byte and in the same order, written the same plaintext to the tunnel in the same order, and
 * counted the same drops and bytes.
 */
class CryptoWorkersDifferentialTest {

    private static final int RING_JOBS = 256;
    private static final int RESERVE = 16;

    static Stream<Arguments> workersAndSeeds() {
        return Stream.of(1, 2, 3, 4).flatMap(workers -> Stream.of(
                Arguments.of(workers, 11L, true), Arguments.of(workers, 12L, true), Arguments.of(workers, 13L, true),
                Arguments.of(workers, 11L, false)));
    }

    /**
     * {@code ownerRuns}: each batch ends as the driver ends it, the owner running the jobs no worker took
     * ({@link CryptoWorkers#dispatchAndRun}); else it only publishes and the workers run every job.
     */
    @ParameterizedTest(name = "{0} workers, seed {1}, owner runs jobs: {2}")
    @MethodSource("workersAndSeeds")
    void sameDatagramsAndPlaintextInTheSameOrderAsInline(int workerCount, long seed, boolean ownerRuns) {
        try (EnginePair inline = new EnginePair(seed); EnginePair parallel = new EnginePair(seed);
             CryptoWorkers workers = new CryptoWorkers(workerCount, RING_JOBS,
                     AeadImplementation.select("auto")::newInstance, k -> "test-crypto-" + k, k -> -1,
                     task -> { }, () -> { });
             ChaCha20Poly1305 ownerAead = ownerRuns ? AeadImplementation.select("auto").newInstance() : null) {
            for (EnginePair pair : List.of(inline, parallel)) {
                pair.sendPacket(pair.alice, Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(10, 1)));
                pair.sendPacket(pair.bob, Packets.udp4("192.168.1.1", "10.10.10.1", Packets.payload(10, 2)));
                releaseAll(pair.alice.outbox);
                releaseAll(pair.bob.outbox);
                pair.alice.takeTunnel().forEach(ByteBuf::release);
                pair.bob.takeTunnel().forEach(ByteBuf::release);
            }
            parallel.alice.engine.setCryptoQueue(workers);

            SplittableRandom random = new SplittableRandom(seed * 31 + workerCount);
            List<byte[]> sentByBob = new ArrayList<>();
            int jobsSeen = 0;
            for (int batch = 0; batch < 60; batch++) {
                int operations = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
                for (int op = 0; op < operations; op++) {
                    if (workers.space() < RESERVE) {
                        jobsSeen += complete(parallel, workers, ownerAead);
                    }
                    if (random.nextInt(10) < 6) {
                        int length = random.nextInt(1400);
                        int kind = random.nextInt(20);
                        int payloadSeed = random.nextInt();
                        inline.alice.engine.onTunnelPacket(inline.now(), outbound(kind, length, payloadSeed),
                                inline.alice.outbox);
                        parallel.alice.engine.onTunnelPacket(parallel.now(), outbound(kind, length, payloadSeed),
                                parallel.alice.outbox);
                    } else {
                        byte[] datagram = inbound(inline, random, sentByBob);
                        inline.alice.engine.onDatagram(inline.now(), copy(datagram), EnginePair.BOB_ADDRESS,
                                inline.alice.outbox);
                        parallel.alice.engine.onDatagram(parallel.now(), copy(datagram), EnginePair.BOB_ADDRESS,
                                parallel.alice.outbox);
                    }
                }
                jobsSeen += complete(parallel, workers, ownerAead);
                assertSameOutput(inline.alice.outbox, parallel.alice.outbox, "batch " + batch);
            }
            for (DropReason reason : DropReason.values()) {
                assertEquals(inline.alice.engine.drops().get(reason), parallel.alice.engine.drops().get(reason),
                        reason.label());
            }
            assertEquals(inline.alice.peer.txBytes(), parallel.alice.peer.txBytes(), "tx bytes");
            assertEquals(inline.alice.peer.rxBytes(), parallel.alice.peer.rxBytes(), "rx bytes");
            assertTrue(jobsSeen > RING_JOBS * 4, "the ring wrapped several times: " + jobsSeen + " jobs");
            assertTrue(inline.alice.engine.drops().get(DropReason.DECRYPTION_FAILED) > 0, "bit flips were dropped");
            assertTrue(inline.alice.engine.drops().get(DropReason.REPLAYED) > 0, "replays were dropped");
            assertEquals(0, parallel.alice.engine.drops().get(DropReason.CRYPTO_QUEUE_FULL));
        }
    }

    /** A packet from Alice's LAN: mostly to Bob's LAN, some IPv6, some to nowhere (no route). */
    private static ByteBuf outbound(int kind, int length, int payloadSeed) {
        byte[] payload = Packets.payload(length, payloadSeed);
        if (kind == 0) {
            return Packets.udp4("10.10.10.7", "172.16.0.1", payload);
        }
        if (kind < 4) {
            return Packets.udp6("fd00::1", "fd00::2", payload);
        }
        return Packets.udp4("10.10.10." + (1 + kind), "192.168.1." + kind, payload);
    }

    /** A datagram from Bob: fresh, replayed, bit-flipped, or carrying a source Bob may not use. */
    private static byte[] inbound(EnginePair inline, SplittableRandom random, List<byte[]> sentByBob) {
        int kind = random.nextInt(20);
        if (kind == 0 && !sentByBob.isEmpty()) {
            return sentByBob.get(random.nextInt(sentByBob.size()));
        }
        String source = kind == 1 ? "172.16.0.9" : "192.168.1." + (1 + random.nextInt(200));
        ByteBuf packet = Packets.udp4(source, "10.10.10.1", Packets.payload(random.nextInt(1400), random.nextInt()));
        inline.bob.engine.onTunnelPacket(inline.now(), packet, inline.bob.outbox);
        List<RecordingOutbox.Datagram> sealed = inline.bob.outbox.takeDatagrams();
        assertEquals(1, sealed.size(), "Bob sealed one datagram");
        byte[] bytes = Packets.bytes(sealed.get(0).content());
        sealed.get(0).content().release();
        sentByBob.add(bytes);
        if (kind == 2) {
            byte[] flipped = bytes.clone();
            int bit = 16 * 8 + random.nextInt((flipped.length - 16) * 8);
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            return flipped;
        }
        return bytes;
    }

    /**
     * Publishes (and with {@code ownerAead} runs what no worker took, as the driver does), then completes every
     * submitted job in order, as the driver does on the event loop.
     */
    private static int complete(EnginePair pair, CryptoWorkers workers, ChaCha20Poly1305 ownerAead) {
        if (ownerAead != null) {
            workers.dispatchAndRun(ownerAead);
        } else {
            workers.dispatch();
        }
        int completed = 0;
        while (workers.inFlight() > 0) {
            CryptoJob job = workers.nextCompleted();
            if (job == null) {
                Thread.onSpinWait();
                continue;
            }
            ByteBuf plaintext = pair.alice.engine.onCryptoDone(pair.now(), job, pair.alice.outbox);
            workers.release(job);
            if (plaintext != null) {
                pair.alice.outbox.writeToTunnel(plaintext);
            }
            completed++;
        }
        return completed;
    }

    private static void assertSameOutput(RecordingOutbox expected, RecordingOutbox actual, String where) {
        List<RecordingOutbox.Datagram> expectedDatagrams = expected.takeDatagrams();
        List<RecordingOutbox.Datagram> actualDatagrams = actual.takeDatagrams();
        List<ByteBuf> expectedPackets = expected.takeTunnelPackets();
        List<ByteBuf> actualPackets = actual.takeTunnelPackets();
        try {
            assertEquals(expectedDatagrams.size(), actualDatagrams.size(), where + ": datagrams sent");
            for (int i = 0; i < expectedDatagrams.size(); i++) {
                assertArrayEquals(Packets.bytes(expectedDatagrams.get(i).content()),
                        Packets.bytes(actualDatagrams.get(i).content()), where + ": datagram " + i);
                assertEquals(expectedDatagrams.get(i).recipient(), actualDatagrams.get(i).recipient());
            }
            assertEquals(expectedPackets.size(), actualPackets.size(), where + ": tunnel packets");
            for (int i = 0; i < expectedPackets.size(); i++) {
                assertArrayEquals(Packets.bytes(expectedPackets.get(i)), Packets.bytes(actualPackets.get(i)),
                        where + ": tunnel packet " + i);
            }
        } finally {
            expectedDatagrams.forEach(d -> d.content().release());
            actualDatagrams.forEach(d -> d.content().release());
            expectedPackets.forEach(ByteBuf::release);
            actualPackets.forEach(ByteBuf::release);
        }
    }

    private static ByteBuf copy(byte[] bytes) {
        return io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static void releaseAll(RecordingOutbox outbox) {
        outbox.takeDatagrams().forEach(d -> d.content().release());
        outbox.takeTunnelPackets().forEach(ByteBuf::release);
    }
}
