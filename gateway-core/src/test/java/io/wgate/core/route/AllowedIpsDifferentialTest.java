package io.wgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AllowedIps} against {@link NaiveAllowedIps} under seeded random inserts, moves, removals and lookups, in the
 * manner of the kernel's {@code selftest/allowedips.c randomized_test} (routes plus mutated neighbours, so prefixes
 * overlap) and wireguard-go's {@code allowedips_rand_test.go}.
 */
class AllowedIpsDifferentialTest {

    private static final int PEERS = 40;
    private static final int ROUNDS = 60;
    private static final int OPS_PER_ROUND = 60;
    private static final int LOOKUPS_PER_ROUND = 400;

    /** Fixed seeds for reproducible runs plus one fresh seed per run (printed, and named in any failure). */
    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 0xa11d, System.nanoTime());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithNaiveTable(long seed) {
        System.out.println("AllowedIpsDifferentialTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Object[] peers = new Object[PEERS];
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Object();
        }
        AllowedIps<Object> table = new AllowedIps<>();
        NaiveAllowedIps<Object> naive = new NaiveAllowedIps<>();

        for (int round = 0; round < ROUNDS; round++) {
            for (int op = 0; op < OPS_PER_ROUND; op++) {
                Object peer = peers[random.nextInt(PEERS)];
                int kind = random.nextInt(20);
                if (kind < 12) {
                    // Insert: a fresh random prefix or a mutation of an existing one (which may move it).
                    byte[] address = addressNearExisting(random, naive);
                    int cidr = random.nextInt(address.length * 8 + 1);
                    table.insert(address, cidr, peer);
                    naive.insert(address, cidr, peer);
                } else if (kind < 18) {
                    // Remove an existing prefix, with its owner or with a random peer (usually refused).
                    List<Prefix> existing = naive.prefixes();
                    if (existing.isEmpty()) {
                        continue;
                    }
                    Prefix victim = existing.get(random.nextInt(existing.size()));
                    Object owner = random.nextBoolean() ? naive.lookupExact(victim) : peer;
                    boolean expected = naive.remove(victim.address(), victim.cidr(), owner);
                    assertEquals(expected, table.remove(victim.address(), victim.cidr(), owner),
                            "seed " + seed + ": remove " + victim);
                } else {
                    table.removeAll(peer);
                    naive.removeAll(peer);
                }
            }
            table.verifyInvariants();
            assertEquals(naive.size(), table.size(), "seed " + seed + ": size");
            for (int i = 0; i < LOOKUPS_PER_ROUND; i++) {
                byte[] address = random.nextInt(3) == 0
                        ? randomAddress(random, random.nextBoolean() ? 4 : 16)
                        : addressNearExisting(random, naive);
                assertSame(naive.lookup(address), table.lookup(address),
                        () -> "seed " + seed + ": lookup " + new Prefix(address, address.length * 8));
            }
            Object peer = peers[random.nextInt(PEERS)];
            assertEquals(naive.prefixesOf(peer), table.prefixesOf(peer), "seed " + seed + ": prefixesOf");
        }

        for (Object peer : peers) {
            table.removeAll(peer);
            naive.removeAll(peer);
        }
        table.verifyInvariants();
        assertEquals(0, table.size());
    }

    /** An address inside or just beside an existing prefix (random suffix bits), or a random one if none exist. */
    private static byte[] addressNearExisting(SplittableRandom random, NaiveAllowedIps<Object> naive) {
        List<Prefix> existing = naive.prefixes();
        if (existing.isEmpty() || random.nextInt(4) == 0) {
            return randomAddress(random, random.nextBoolean() ? 4 : 16);
        }
        Prefix base = existing.get(random.nextInt(existing.size()));
        byte[] address = base.address();
        // Keep a random number of leading bits (sometimes fewer than the prefix, to land beside it).
        int keep = Math.max(0, base.cidr() - random.nextInt(4));
        for (int bit = keep; bit < address.length * 8; bit++) {
            if (random.nextBoolean()) {
                address[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            }
        }
        return address;
    }

    private static byte[] randomAddress(SplittableRandom random, int length) {
        byte[] address = new byte[length];
        random.nextBytes(address);
        return address;
    }
}
