package io.wgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.Entropy;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IndexTableTest {

    /** Seeded entropy; a fixed prefix of values can be scripted first. */
    private static final class ScriptedEntropy implements Entropy {
        private final int[] script;
        private int position;
        private final SplittableRandom random;

        ScriptedEntropy(long seed, int... script) {
            this.script = script;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void nextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) nextInt();
            }
        }

        @Override
        public int nextInt() {
            return position < script.length ? script[position++] : random.nextInt();
        }

        @Override
        public int nextInt(int bound) {
            return random.nextInt(bound);
        }
    }

    private final IndexTable<String> table = new IndexTable<>();

    @Test
    void insertUsesTheEntropyValueAndGetFindsIt() {
        int index = table.insert("handshake", new ScriptedEntropy(1, 0x11223344));
        assertEquals(0x11223344, index);
        assertEquals("handshake", table.get(0x11223344));
        assertNull(table.get(0x11223345));
        assertEquals(1, table.size());
    }

    @Test
    void zeroAndNegativeIndicesAreAllowedAsInWireguardGo() {
        ScriptedEntropy entropy = new ScriptedEntropy(1, 0, -1, Integer.MIN_VALUE);
        assertEquals(0, table.insert("a", entropy));
        assertEquals(-1, table.insert("b", entropy));
        assertEquals(Integer.MIN_VALUE, table.insert("c", entropy));
        assertEquals("a", table.get(0));
        assertEquals("b", table.get(-1));
        assertEquals("c", table.get(Integer.MIN_VALUE));
    }

    @Test
    void skipsIndicesInUse() {
        ScriptedEntropy entropy = new ScriptedEntropy(1, 7, 7, 7, 8);
        assertEquals(7, table.insert("first", entropy));
        assertEquals(8, table.insert("second", entropy), "7 is taken, so the next random value is drawn");
        assertEquals("first", table.get(7));
        assertEquals("second", table.get(8));
    }

    @Test
    void replaceRepointsAnIndexFromHandshakeToKeypair() {
        int index = table.insert("handshake", new ScriptedEntropy(2));
        table.replace(index, "keypair");
        assertEquals("keypair", table.get(index));
        assertEquals(1, table.size());
    }

    @Test
    void replaceOfUnusedIndexFailsWithoutInserting() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.replace(42, "keypair"));
        assertTrue(e.getMessage().contains("2a"), e.getMessage());
        assertEquals(0, table.size());
    }

    @Test
    void removeOnlyWhenStillMappedToExpectedEntry() {
        String handshake = new String("handshake");
        String keypair = new String("keypair");
        int index = table.insert(handshake, new ScriptedEntropy(3));
        table.replace(index, keypair);
        assertFalse(table.remove(index, handshake), "a stale owner cannot free the re-pointed index");
        assertFalse(table.remove(index, new String("keypair")), "compared by identity");
        assertSame(keypair, table.get(index));
        assertTrue(table.remove(index, keypair));
        assertNull(table.get(index));
        assertFalse(table.remove(index, keypair));
        assertEquals(0, table.size());
    }

    @Test
    void agreesWithAHashMapUnderRandomUse() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        // A tiny index space forces collisions on insert.
        Entropy entropy = new Entropy() {
            @Override
            public void nextBytes(byte[] out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt() {
                return random.nextInt(512);
            }

            @Override
            public int nextInt(int bound) {
                return random.nextInt(bound);
            }
        };
        Map<Integer, String> model = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(3);
            if (op == 0 && model.size() < 400) {
                String entry = "e" + step;
                int index = table.insert(entry, entropy);
                assertNull(model.put(index, entry), "seed " + seed + ": index " + index + " handed out twice");
            } else if (op == 1) {
                int index = random.nextInt(512);
                String expected = model.get(index);
                if (expected != null && random.nextBoolean()) {
                    assertTrue(table.remove(index, expected));
                    model.remove(index);
                } else {
                    assertFalse(table.remove(index, "nobody"));
                }
            } else {
                int index = random.nextInt(512);
                assertSame(model.get(index), table.get(index), "seed " + seed);
            }
            assertEquals(model.size(), table.size(), "seed " + seed);
        }
    }
}
