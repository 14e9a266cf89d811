package io.wgate.bench.core;

import io.wgate.core.route.AllowedIps;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Longest-prefix match in {@link AllowedIps}: the per-packet cryptokey-routing lookup of the data path (destination
 * on send, source check on receive). Tables hold {@link #prefixes} random IPv4 and as many random IPv6 prefixes owned
 * by 1 000 peers; queries cycle through a fixed set of addresses, three quarters inside some configured prefix and a
 * quarter random (mostly misses, or a short IPv4 match). Deterministic seed. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} must stay at ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllowedIpsLookupBenchmark {

    private static final long SEED = 0x5eed_a11d_1b5L;
    private static final int PEERS = 1_000;
    private static final int QUERIES = 1 << 14;
    private static final int QUERY_MASK = QUERIES - 1;

    @Param({"1000", "100000"})
    public int prefixes;

    private final AllowedIps<Object> table = new AllowedIps<>();
    private final int[] queriesV4 = new int[QUERIES];
    private final long[] queriesV6High = new long[QUERIES];
    private final long[] queriesV6Low = new long[QUERIES];
    private int cursor;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(SEED);
        Object[] peers = new Object[PEERS];
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Object();
        }
        int[] networksV4 = new int[prefixes];
        int[] cidrsV4 = new int[prefixes];
        long[] networksV6High = new long[prefixes];
        long[] networksV6Low = new long[prefixes];
        int[] cidrsV6 = new int[prefixes];
        for (int i = 0; i < prefixes; i++) {
            Object peer = peers[random.nextInt(PEERS)];
            // Site-to-site shapes: /16../32 for IPv4; IPv6 inside 2001:db8::/32, /32../128.
            networksV4[i] = random.nextInt();
            cidrsV4[i] = random.nextInt(16, 33);
            table.insert(bytes(networksV4[i]), cidrsV4[i], peer);
            networksV6High[i] = 0x2001_0db8_0000_0000L | (random.nextLong() >>> 32);
            networksV6Low[i] = random.nextLong();
            cidrsV6[i] = random.nextInt(32, 129);
            table.insert(bytes(networksV6High[i], networksV6Low[i]), cidrsV6[i], peer);
        }
        for (int i = 0; i < QUERIES; i++) {
            boolean hit = random.nextInt(4) != 0;
            int pick = random.nextInt(prefixes);
            // A hit keeps a configured prefix's leading cidr bits and randomises the rest.
            int mask4 = -1 << (32 - cidrsV4[pick]); // cidr >= 16, so the shift is < 32
            queriesV4[i] = hit ? (networksV4[pick] & mask4) | (random.nextInt() & ~mask4) : random.nextInt();
            int cidr6 = cidrsV6[pick];
            long maskHigh = cidr6 >= 64 ? -1L : -1L << (64 - cidr6);
            long maskLow = cidr6 <= 64 ? 0 : -1L << (128 - cidr6);
            queriesV6High[i] = hit
                    ? (networksV6High[pick] & maskHigh) | (random.nextLong() & ~maskHigh)
                    : random.nextLong();
            queriesV6Low[i] = hit
                    ? (networksV6Low[pick] & maskLow) | (random.nextLong() & ~maskLow)
                    : random.nextLong();
        }
    }

    @Benchmark
    public Object lookupV4() {
        return table.lookupV4(queriesV4[cursor++ & QUERY_MASK]);
    }

    @Benchmark
    public Object lookupV6() {
        int i = cursor++ & QUERY_MASK;
        return table.lookupV6(queriesV6High[i], queriesV6Low[i]);
    }

    private static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static byte[] bytes(long high, long low) {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (high >>> (56 - 8 * i));
            out[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return out;
    }
}
