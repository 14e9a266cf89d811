package io.wgate.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CookieReplyLimiterTest {

    private static final long START_NANOS = 5_000_000_000L;

    private static InetAddress source(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    @Test
    void allSourcesTogetherGetTheGlobalBurstThenTheGlobalRate() throws Exception {
        CookieReplyLimiter limiter = new CookieReplyLimiter();
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            allowed += limiter.allow(START_NANOS, source(i)) ? 1 : 0;
        }
        assertEquals(CookieReplyLimiter.GLOBAL_BURST, allowed);
        // 10 ms later: 10 ms / 0.5 ms = 20 more, to sources never seen
        allowed = 0;
        for (int i = 1000; i < 2000; i++) {
            allowed += limiter.allow(START_NANOS + 10_000_000L, source(i)) ? 1 : 0;
        }
        assertEquals(20, allowed);
    }

    @Test
    void oneSourceGetsItsBurstThenTwentyPerSecondAndARefusalCostsTheOthersNothing() throws Exception {
        CookieReplyLimiter limiter = new CookieReplyLimiter();
        InetAddress one = source(1);
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            allowed += limiter.allow(START_NANOS, one) ? 1 : 0;
        }
        assertEquals(CookieReplyLimiter.PER_SOURCE_BURST, allowed);
        // the 45 refusals spent nothing of the global bucket: at the same instant the others get the rest of it
        int others = 0;
        for (int i = 2; i < 1000; i++) {
            others += limiter.allow(START_NANOS, source(i)) ? 1 : 0;
        }
        assertEquals(CookieReplyLimiter.GLOBAL_BURST - CookieReplyLimiter.PER_SOURCE_BURST, others);
        CookieReplyLimiter fresh = new CookieReplyLimiter();
        for (int i = 0; i < CookieReplyLimiter.PER_SOURCE_BURST; i++) {
            assertTrue(fresh.allow(START_NANOS, one));
        }
        assertFalse(fresh.allow(START_NANOS + 10_000_000L, one), "10 ms is less than one 50 ms token");
        assertTrue(fresh.allow(START_NANOS + 50_000_000L, one));
    }

    /** Differential: against a naive model of the two buckets (doubles, recomputed from scratch), seeded. */
    @Test
    void matchesANaiveModelOnRandomTraffic() throws Exception {
        SplittableRandom random = new SplittableRandom(0xC00C1EL);
        CookieReplyLimiter limiter = new CookieReplyLimiter();
        double global = CookieReplyLimiter.GLOBAL_BURST;
        java.util.Map<Integer, double[]> perSource = new java.util.HashMap<>(); // {tokens, lastSeconds}
        double lastGlobal = START_NANOS / 1e9;
        long now = START_NANOS;
        for (int step = 0; step < 200_000; step++) {
            now += random.nextInt(20) == 0 ? random.nextLong(2_000_000L) : random.nextLong(2_000L);
            int src = random.nextInt(40);
            double t = now / 1e9;
            global = Math.min(CookieReplyLimiter.GLOBAL_BURST, global + (t - lastGlobal) * CookieReplyLimiter.GLOBAL_PER_SECOND);
            lastGlobal = t;
            double[] bucket = perSource.get(src);
            boolean sourceOk;
            if (bucket == null) {
                sourceOk = true;
            } else {
                double tokens = Math.min(CookieReplyLimiter.PER_SOURCE_BURST,
                        bucket[0] + (t - bucket[1]) * CookieReplyLimiter.PER_SOURCE_PER_SECOND);
                sourceOk = tokens >= 1 - 1e-9;
            }
            boolean expected = global >= 1 - 1e-9 && sourceOk;
            assertEquals(global < 1 - 1e-9, limiter.globalExhausted(now), "exhausted at step " + step);
            if (global >= 1 - 1e-9) { // the per-source bucket is only consulted when the global one has a token
                if (bucket == null) {
                    perSource.put(src, new double[] {CookieReplyLimiter.PER_SOURCE_BURST - 1, t});
                } else {
                    double tokens = Math.min(CookieReplyLimiter.PER_SOURCE_BURST,
                            bucket[0] + (t - bucket[1]) * CookieReplyLimiter.PER_SOURCE_PER_SECOND);
                    bucket[0] = sourceOk ? tokens - 1 : tokens;
                    bucket[1] = t;
                }
            }
            if (expected) {
                global -= 1;
            }
            assertEquals(expected, limiter.allow(now, source(src)), "step " + step + " at " + now);
        }
    }
}
