package io.wgate.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.core.Protocol;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ReplayWindow} against {@link NaiveReplayWindow} on seeded random counter streams. */
class ReplayWindowDifferentialTest {

    private static final int STEPS = 200_000;

    /** Fixed seeds for reproducible runs plus one fresh seed per run (printed, and named in any failure). */
    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 0x5eed, System.nanoTime());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithNaiveWindow(long seed) {
        System.out.println("ReplayWindowDifferentialTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        // Start anywhere, including above 2^63 and right below the limit, so unsigned handling is exercised.
        long base = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextLong(1L << 40);
            case 2 -> Long.MAX_VALUE - 4 * ReplayWindow.RING_BITS + random.nextLong(8 * ReplayWindow.RING_BITS);
            default -> Protocol.REJECT_AFTER_MESSAGES - 20L * ReplayWindow.RING_BITS;
        };
        long limit = random.nextBoolean() ? Protocol.REJECT_AFTER_MESSAGES : base + random.nextLong(1, 50_000);
        ReplayWindow window = new ReplayWindow();
        NaiveReplayWindow naive = new NaiveReplayWindow();
        long next = base;
        for (int step = 0; step < STEPS; step++) {
            long counter = switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> next++;                                          // in order
                case 4, 5 -> next - random.nextLong(1, 2L * ReplayWindow.WINDOW_SIZE); // late, around the edge
                case 6 -> next - ReplayWindow.WINDOW_SIZE - random.nextLong(-66, 66);   // right at the edge
                case 7 -> next += random.nextLong(1, 3L * ReplayWindow.RING_BITS);     // jump, maybe past the ring
                case 8 -> next - random.nextLong(0, 8);                               // duplicate-ish
                default -> next + random.nextLong(0, 200);                            // slightly early
            };
            boolean expected = naive.validate(counter, limit);
            assertEquals(expected, window.validate(counter, limit),
                    () -> "seed " + seed + ": counter " + Long.toUnsignedString(counter) + " (base "
                            + Long.toUnsignedString(base) + ", limit " + Long.toUnsignedString(limit) + ")");
        }
    }
}
