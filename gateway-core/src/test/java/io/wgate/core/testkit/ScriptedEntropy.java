package io.wgate.core.testkit;

import io.wgate.core.Entropy;
import java.util.ArrayDeque;
import java.util.Deque;

/** {@link Entropy} that hands out exactly the values a known-answer test prescribes, in order. */
public final class ScriptedEntropy implements Entropy {

    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private final Deque<Integer> ints = new ArrayDeque<>();

    /** Queues {@code chunk} for the next {@link #nextBytes} call (which must ask for exactly its length). */
    public ScriptedEntropy bytes(byte[] chunk) {
        chunks.add(chunk.clone());
        return this;
    }

    /** Queues {@code value} for the next {@link #nextInt} call. */
    public ScriptedEntropy integer(int value) {
        ints.add(value);
        return this;
    }

    @Override
    public void nextBytes(byte[] out) {
        byte[] chunk = chunks.poll();
        if (chunk == null || chunk.length != out.length) {
            throw new AssertionError("unscripted nextBytes(" + out.length + ")");
        }
        System.arraycopy(chunk, 0, out, 0, out.length);
    }

    @Override
    public int nextInt() {
        Integer value = ints.poll();
        if (value == null) {
            throw new AssertionError("unscripted nextInt()");
        }
        return value;
    }

    @Override
    public int nextInt(int bound) {
        return Math.floorMod(nextInt(), bound);
    }

    /** Whether every scripted value was consumed. */
    public boolean isExhausted() {
        return chunks.isEmpty() && ints.isEmpty();
    }
}
