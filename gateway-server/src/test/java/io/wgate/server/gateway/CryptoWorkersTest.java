package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.core.CryptoJob;
import io.wgate.core.DropReason;
import io.wgate.core.session.Keypair;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.ChaCha20Poly1305;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ring, the hand-over and the shutdown of {@link CryptoWorkers}, with Alice of a live {@link EnginePair}. */
class CryptoWorkersTest {

    private static CryptoWorkers workers(int count, int capacity, Runnable onCompleted) {
        return new CryptoWorkers(count, capacity, AeadImplementation.select("auto")::newInstance,
                k -> "unit-crypto-" + k, k -> -1, Runnable::run, onCompleted);
    }

    private static EnginePair establishedPair() {
        EnginePair pair = new EnginePair(3);
        pair.sendPacket(pair.alice, Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(10, 1)));
        pair.alice.outbox.releaseAll();
        pair.bob.outbox.releaseAll();
        pair.bob.takeTunnel().forEach(ByteBuf::release);
        return pair;
    }

    private static void send(EnginePair pair, int count) {
        for (int i = 0; i < count; i++) {
            pair.alice.engine.onTunnelPacket(pair.now(),
                    Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(300, i)), pair.alice.outbox);
        }
    }

    private static void completeAll(EnginePair pair, CryptoWorkers pool) {
        pool.dispatch();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.inFlight() > 0 && System.nanoTime() < deadline) {
            CryptoJob job = pool.nextCompleted();
            if (job != null) {
                pair.alice.engine.onCryptoDone(pair.now(), job, pair.alice.outbox);
                pool.release(job);
            }
        }
        assertEquals(0, pool.inFlight(), "every job completed");
    }

    @Test
    void aFullRingDropsTheNextPacketBeforeItTakesACounter() {
        int capacity = 2 * CryptoWorkers.BLOCK;
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(2, capacity, () -> { });
             ChaCha20Poly1305 loopAead = AeadImplementation.select("auto").newInstance()) {
            pair.alice.engine.setCryptoQueue(pool);
            Keypair keypair = pair.alice.peer.keypairs().current();
            long before = keypair.sendCounter();
            send(pair, capacity + 1);
            assertEquals(1, pair.alice.engine.drops().get(DropReason.CRYPTO_QUEUE_FULL));
            assertEquals(before + capacity, keypair.sendCounter(), "the dropped packet used no counter");
            assertNull(pool.claim());
            assertTrue(pool.awaitSpace(1, loopAead), "a full ring waits for the workers to finish the head job");
            assertNotNull(pool.nextCompleted());
            completeAll(pair, pool);
            assertFalse(pool.awaitSpace(1000, loopAead),
                    "nothing in flight: no wait, even for more slots than the ring has");
            assertEquals(capacity, pair.alice.outbox.takeDatagrams().stream().peek(d -> d.content().release())
                    .toList().size());
            assertNotNull(pool.claim(), "slots are free again");
        }
    }

    @Test
    void aJobKeepsTheReadBufferItsMessageLiesInForItsCompletion() {
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(1, CryptoWorkers.BLOCK, () -> { })) {
            pair.alice.engine.setCryptoQueue(pool);
            ByteBuf elsewhere = Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(300, 0));
            byte[] packet = Packets.bytes(elsewhere);
            int slot = Packets.HEADROOM + packet.length + Packets.TAILROOM;
            ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(2 * slot); // a TUN read's two segments
            read.writeZero(2 * slot).setBytes(Packets.HEADROOM, packet).setBytes(slot + Packets.HEADROOM, packet);

            pool.submitFrom(read);
            pair.alice.engine.onTunnelPacket(pair.now(), segment(read, 0, slot, packet.length), pair.alice.outbox);
            pair.alice.engine.onTunnelPacket(pair.now(), elsewhere, pair.alice.outbox); // not in the read
            pool.submitFrom(null);
            pair.alice.engine.onTunnelPacket(pair.now(), segment(read, slot, slot, packet.length),
                    pair.alice.outbox); // in the read, but submitted after it was over
            read.release(); // the segments hold it

            pool.dispatch();
            List<ByteBuf> sources = new ArrayList<>();
            CryptoJob first = awaitCompleted(pool);
            assertThrows(IllegalStateException.class, () -> pool.sourceOf(new CryptoJob()), "not the head job");
            sources.add(pool.sourceOf(first));
            complete(pair, pool, first);
            for (int i = 0; i < 2; i++) {
                CryptoJob job = awaitCompleted(pool);
                sources.add(pool.sourceOf(job));
                complete(pair, pool, job);
            }
            assertSame(read, sources.get(0), "the segment sealed while its read was fired keeps the read");
            assertEquals(Arrays.asList(null, null), sources.subList(1, 3));
            pair.alice.outbox.takeDatagrams().forEach(d -> d.content().release());
            assertEquals(0, read.refCnt(), "the datagrams released, the read is gone");
        }
    }

    /** A retained slice of {@code read}'s slot at {@code offset}, reader index at the headroom, as the TUN reader's. */
    private static ByteBuf segment(ByteBuf read, int offset, int slot, int length) {
        return read.retainedSlice(offset, slot).setIndex(Packets.HEADROOM, Packets.HEADROOM + length);
    }

    private static CryptoJob awaitCompleted(CryptoWorkers pool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        CryptoJob job;
        while ((job = pool.nextCompleted()) == null) {
            assertTrue(System.nanoTime() < deadline, "a job completed within 10 s");
            Thread.onSpinWait();
        }
        return job;
    }

    private static void complete(EnginePair pair, CryptoWorkers pool, CryptoJob job) {
        pair.alice.engine.onCryptoDone(pair.now(), job, pair.alice.outbox);
        pool.release(job);
    }

    @Test
    void aRetiredKeypairKeepsItsKeysUntilTheJobsBeforeItAreDoneAndLosesThemThen() {
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(2, 64, () -> { })) {
            pair.alice.engine.setCryptoQueue(pool);
            Keypair keypair = pair.alice.peer.keypairs().current();
            send(pair, 5);
            pair.alice.engine.removePeer(pair.alice.peer); // retires every keypair of the peer
            assertFalse(keypair.isDestroyed(), "five jobs may still be sealing with it");
            completeAll(pair, pool);
            assertTrue(keypair.isDestroyed(), "destroyed once the jobs before the retirement completed");
            pair.alice.outbox.takeDatagrams().forEach(d -> d.content().release());
        }
    }

    @Test
    void aKeypairRetiredWithNothingInFlightIsDestroyedAtOnce() {
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(1, CryptoWorkers.BLOCK, () -> { })) {
            pair.alice.engine.setCryptoQueue(pool);
            Keypair keypair = pair.alice.peer.keypairs().current();
            pair.alice.engine.removePeer(pair.alice.peer);
            assertTrue(keypair.isDestroyed());
        }
    }

    @Test
    void closeStopsTheWorkersDestroysRetiredKeysAndDiscardReleasesTheBuffersInFlight() throws Exception {
        EnginePair pair = establishedPair();
        CryptoWorkers pool = workers(2, 64, () -> { });
        pair.alice.engine.setCryptoQueue(pool);
        Keypair keypair = pair.alice.peer.keypairs().current();
        send(pair, 10);
        pair.alice.engine.removePeer(pair.alice.peer);
        pool.close();
        assertTrue(keypair.isDestroyed());
        pool.discardInFlight(); // the leak guard fails the class if a buffer stayed referenced
        assertEquals(0, pool.inFlight());
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName().startsWith("unit-crypto-") && thread.isAlive(), thread.getName());
        }
        pair.close();
    }

    @Test
    void workersAskTheOwnerToCompleteAtMostOnceAtATime() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(2, 64, () -> {
            requests.incrementAndGet();
            first.countDown();
        })) {
            pair.alice.engine.setCryptoQueue(pool);
            send(pair, 30);
            pool.dispatch();
            assertTrue(first.await(10, TimeUnit.SECONDS), "a completion request arrived");
            completeAll(pair, pool);
            assertTrue(requests.get() >= 1);
            pair.alice.outbox.takeDatagrams().forEach(d -> d.content().release());
        }
    }

    @Test
    void parkedWorkersWakeForEachLoneJobAndAskTheOwnerToCompleteIt() throws Exception {
        Semaphore requests = new Semaphore(0);
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(3, 64, requests::release)) {
            pair.alice.engine.setCryptoQueue(pool);
            for (int round = 0; round < 300; round++) {
                Thread.sleep(1); // long enough for every worker to stop spinning and park
                requests.drainPermits();
                send(pair, 1);
                pool.dispatch();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                CryptoJob job = null;
                while (job == null) { // a late request of the round before may come first: wait for the next
                    assertTrue(requests.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS),
                            "round " + round + ": no completion request after the job was done");
                    job = pool.nextCompleted();
                }
                pair.alice.engine.onCryptoDone(pair.now(), job, pair.alice.outbox);
                pool.release(job);
            }
            assertEquals(300, pair.alice.outbox.takeDatagrams().stream().peek(d -> d.content().release()).toList()
                    .size());
        }
    }

    @Test
    void theOwnerRunsABatchOfOneBlockItselfAndWakesNoWorker() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(3, 64, requests::incrementAndGet);
             ChaCha20Poly1305 loopAead = AeadImplementation.select("auto").newInstance()) {
            pair.alice.engine.setCryptoQueue(pool);
            for (int round = 0; round < 50; round++) {
                awaitAllParked(pool);
                send(pair, CryptoWorkers.BLOCK);
                assertEquals(CryptoWorkers.BLOCK, pool.dispatchAndRun(loopAead), "round " + round);
                assertEquals(3, pool.parkedWorkers(), "round " + round + ": no worker was woken");
                for (int i = 0; i < CryptoWorkers.BLOCK; i++) {
                    CryptoJob job = pool.nextCompleted();
                    assertNotNull(job, "round " + round + ": the owner's jobs are done when it returns");
                    pair.alice.engine.onCryptoDone(pair.now(), job, pair.alice.outbox);
                    pool.release(job);
                }
            }
            assertEquals(0, requests.get(), "no worker asked the owner to complete anything");
            assertEquals(50 * CryptoWorkers.BLOCK, pair.alice.outbox.takeDatagrams().stream()
                    .peek(d -> d.content().release()).toList().size());
        }
    }

    @Test
    void aBatchOfMoreThanOneBlockIsLeftToTheWorkers() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (EnginePair pair = establishedPair(); CryptoWorkers pool = workers(2, 64, requests::incrementAndGet);
             ChaCha20Poly1305 loopAead = AeadImplementation.select("auto").newInstance()) {
            pair.alice.engine.setCryptoQueue(pool);
            awaitAllParked(pool);
            send(pair, CryptoWorkers.BLOCK + 1);
            assertEquals(0, pool.dispatchAndRun(loopAead), "the owner runs none of it");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (requests.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the woken workers finished and asked for completion");
                Thread.sleep(1);
            }
            completeAll(pair, pool);
            assertEquals(CryptoWorkers.BLOCK + 1, pair.alice.outbox.takeDatagrams().stream()
                    .peek(d -> d.content().release()).toList().size());
        }
    }

    /** Waits until every worker has stopped spinning and sleeps (also {@link PipelineStagesTest}). */
    static void awaitAllParked(CryptoWorkers pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.parkedWorkers() < pool.workerCount()) {
            assertTrue(System.nanoTime() < deadline, "the workers did not park within 5 s");
            Thread.sleep(1);
        }
    }

    @Test
    void theStampsOfNeighbouringBlocksNeverShareACacheLine() {
        int capacity = 1024;
        Set<Integer> seen = new HashSet<>();
        for (int slot = 0; slot < capacity; slot++) {
            int index = CryptoWorkers.doneIndex(slot);
            assertTrue(index >= 0 && index < CryptoWorkers.doneLength(capacity), "slot " + slot + " inside the array");
            assertTrue(seen.add(index), "slot " + slot + " has a stamp of its own");
            if (slot % CryptoWorkers.BLOCK == 0 && slot > 0) {
                int previousBlockEnd = CryptoWorkers.doneIndex(slot - 1);
                assertTrue((index - previousBlockEnd) * Long.BYTES > 64, "blocks " + (slot / CryptoWorkers.BLOCK - 1)
                        + " and " + slot / CryptoWorkers.BLOCK + " are more than a 64-byte line apart");
            } else if (slot > 0) {
                assertEquals(CryptoWorkers.doneIndex(slot - 1) + 1, index, "a block's stamps are adjacent");
            }
        }
    }

    @Test
    void aStampCarriesTheSequenceAndTheResultForEverySequenceALongHolds() {
        for (long s : new long[] {0, 1, 1023, 1L << 40, (1L << 62) - 1, 1L << 62, Long.MAX_VALUE}) {
            for (boolean result : new boolean[] {true, false}) {
                long stamp = CryptoWorkers.stamp(s, result);
                assertEquals(s, stamp >>> 1, "sequence " + s);
                assertEquals(result, (stamp & 1) != 0, "result of sequence " + s);
            }
        }
    }

    @Test
    void jobsMustBeSubmittedAndReleasedInOrder() {
        try (CryptoWorkers pool = workers(1, CryptoWorkers.BLOCK, () -> { })) {
            CryptoJob first = pool.claim();
            assertSame(first, pool.claim(), "the same job until it is submitted");
            assertThrows(IllegalStateException.class, () -> pool.submit(new CryptoJob()));
        }
    }

    @Test
    void aWorkerThatCannotBePinnedStopsTheStartAndLeavesNoThreadRunning() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CryptoWorkers(3, 64,
                AeadImplementation.select("auto")::newInstance, k -> "unpinnable-crypto-" + k,
                k -> k == 1 ? CpuAffinity.CPU_SET_BITS - 1 : -1, Runnable::run, () -> { }));
        assertTrue(e.getMessage().startsWith("crypto worker 1: sched_setaffinity to CPU 1023 failed"), e.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("unpinnable-crypto-") && t.isAlive()), "workers stopped");
    }

    @Test
    void badSizesAreRefusedWithTheRule() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> workers(0, 8, () -> { })).getMessage()
                .contains("at least one"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> workers(2, 24, () -> { })).getMessage()
                .contains("power of two"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> workers(4, 2 * CryptoWorkers.BLOCK, () -> { }))
                .getMessage().contains("at least " + 4 * CryptoWorkers.BLOCK));
    }

    @Test
    void theRingGrowsWithTheWorkersSoThatTheLargestCountStarts() {
        assertEquals(1024, CryptoWorkers.capacityFor(2, 1024));
        assertEquals(1024, CryptoWorkers.capacityFor(1024 / CryptoWorkers.BLOCK, 1024), "a block each exactly");
        assertEquals(2048, CryptoWorkers.capacityFor(1024 / CryptoWorkers.BLOCK + 1, 1024));
        assertEquals(64, CryptoWorkers.capacityFor(0, 64));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.capacityFor(2, 1000))
                .getMessage().contains("power of two, got 1000"));
        assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.capacityFor(2, Integer.MIN_VALUE));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.capacityFor(1 << 28, 1024))
                .getMessage().contains("no ring holds"));
        int most = GatewayOptions.MAX_WORKERS;
        try (CryptoWorkers pool = workers(most, CryptoWorkers.capacityFor(most, 1024), () -> { })) {
            assertEquals(most, pool.workerCount(), "--crypto-workers " + most + " starts with the gateway's ring");
        }
    }

    /**
     * A worker stuck in a seal past close's wait may still write into its job's buffer through the native address,
     * so discarding leaves the buffers in flight referenced (nothing goes back to the pool under it) until the
     * worker has ended; then it releases them.
     */
    @Test
    void buffersInFlightStayReferencedWhileAWorkerHasNotStopped() throws Exception {
        EnginePair pair = establishedPair();
        CountDownLatch sealing = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CryptoWorkers pool = new CryptoWorkers(1, 64,
                () -> new StallingAead(AeadImplementation.select("auto").newInstance(), sealing, proceed),
                k -> "stalling-crypto-" + k, k -> -1, Runnable::run, () -> { });
        pair.alice.engine.setCryptoQueue(pool);
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuf packet = Packets.udp4("10.10.10.1", "192.168.1.1", Packets.payload(300, i));
            packets.add(packet);
            pair.alice.engine.onTunnelPacket(pair.now(), packet, pair.alice.outbox);
        }
        pool.dispatch();
        assertTrue(sealing.await(10, TimeUnit.SECONDS), "the worker took the first job");
        long closeStarted = System.nanoTime();
        pool.close(); // waits STOP_WAIT_MILLIS for the stuck worker, in vain
        assertTrue(System.nanoTime() - closeStarted >= TimeUnit.MILLISECONDS.toNanos(CryptoWorkers.STOP_WAIT_MILLIS));
        assertEquals(3, pool.discardInFlight());
        assertEquals(3, pool.inFlight());
        for (ByteBuf packet : packets) {
            assertEquals(1, packet.refCnt(), "a buffer a worker may still write into was released");
        }
        proceed.countDown();
        Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("stalling-crypto-0")).findFirst().orElse(null);
        if (worker != null) {
            worker.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(worker.isAlive(), "the worker ended once its seal returned");
        }
        assertEquals(0, pool.discardInFlight());
        assertEquals(0, pool.inFlight());
        for (ByteBuf packet : packets) {
            assertEquals(0, packet.refCnt(), "released once the worker had ended");
        }
        pair.alice.engine.setCryptoQueue(null);
        pair.close();
    }

    /** Blocks the first native-address seal until {@code proceed} opens; everything else goes to the real AEAD. */
    private static final class StallingAead implements ChaCha20Poly1305 {
        private final ChaCha20Poly1305 real;
        private final CountDownLatch sealing;
        private final CountDownLatch proceed;

        StallingAead(ChaCha20Poly1305 real, CountDownLatch sealing, CountDownLatch proceed) {
            this.real = real;
            this.sealing = sealing;
            this.proceed = proceed;
        }

        @Override
        public void sealAt(AeadKey key, long counter, long address, int length) {
            sealing.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            real.sealAt(key, counter, address, length);
        }

        @Override
        public boolean openAt(AeadKey key, long counter, long address, int length) {
            return real.openAt(key, counter, address, length);
        }

        @Override
        public void seal(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
            real.seal(key, counter, buf, offset, length);
        }

        @Override
        public boolean open(AeadKey key, long counter, ByteBuf buf, int offset, int length) {
            return real.open(key, counter, buf, offset, length);
        }

        @Override
        public void seal(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
            real.seal(key, nonce, ad, buf, offset, length);
        }

        @Override
        public boolean open(AeadKey key, byte[] nonce, byte[] ad, ByteBuf buf, int offset, int length) {
            return real.open(key, nonce, ad, buf, offset, length);
        }

        @Override
        public String name() {
            return "stalling " + real.name();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
