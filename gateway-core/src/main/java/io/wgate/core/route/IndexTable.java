package io.wgate.core.route;

import io.netty.util.collection.IntObjectHashMap;
import io.wgate.core.Entropy;
import java.util.Objects;

/**
 * Receiver index &rarr; entry (a handshake in progress or a keypair): the device-wide table that routes handshake
 * responses, cookie replies and transport data to their state (whitepaper §5.4.2-5.4.3, the sender and receiver
 * indices; kernel
 * {@code peerlookup.c}, wireguard-go {@code device/indextable.go}).
 *
 * <p>Indices are random 32-bit values from the injected {@link Entropy}, unique within the table; any value is
 * allowed, zero included, as in wireguard-go. A handshake's index is later {@link #replace re-pointed} at the keypair
 * derived from it, keeping the same value. Not thread-safe: owned by the engine's thread. {@link #get} allocates
 * nothing (primitive int keys, no boxing).
 *
 * @param <E> entry type; the engine stores both handshakes and keypairs and checks the kind on lookup
 */
public final class IndexTable<E> {

    private final IntObjectHashMap<E> entries = new IntObjectHashMap<>();

    /**
     * Stores {@code entry} under a fresh random index not in use.
     *
     * @return the index, to be sent as {@code sender_index}
     */
    public int insert(E entry, Entropy entropy) {
        Objects.requireNonNull(entry, "entry");
        while (true) {
            int index = entropy.nextInt();
            if (!entries.containsKey(index)) {
                entries.put(index, entry);
                return index;
            }
        }
    }

    /** The entry for {@code index}, or {@code null}. */
    public E get(int index) {
        return entries.get(index);
    }

    /**
     * Re-points an index that is in use at a new entry (handshake &rarr; keypair, same value on the wire).
     *
     * @throws IllegalStateException if {@code index} is not in the table
     */
    public void replace(int index, E entry) {
        Objects.requireNonNull(entry, "entry");
        if (!entries.containsKey(index)) {
            throw new IllegalStateException("index " + Integer.toUnsignedString(index, 16) + " is not in use");
        }
        entries.put(index, entry);
    }

    /**
     * Frees {@code index} if it still maps to {@code expected} (compared by identity), so that a stale owner cannot
     * free an index that has been re-pointed.
     *
     * @return whether the index was removed
     */
    public boolean remove(int index, E expected) {
        if (entries.get(index) != expected || expected == null) {
            return false;
        }
        entries.remove(index);
        return true;
    }

    /** Number of indices in use. */
    public int size() {
        return entries.size();
    }
}
