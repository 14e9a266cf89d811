package io.wgate.core.route;

import io.wgate.core.route.PrefixTrie.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Cryptokey routing (whitepaper §2; kernel {@code allowedips.c}): which value (peer) owns the longest prefix
 * containing an
 * address. Outbound, the destination of a tunnel packet selects the peer to encrypt for; inbound, the source of a
 * decrypted packet must map back to the peer that sent it.
 *
 * <p>Separate path-compressed tries for IPv4 and IPv6 ({@link PrefixTrie}). Every prefix has exactly one owner:
 * inserting a prefix that another value owns moves it, as in the kernel and wireguard-go. Values are compared by
 * identity ({@code ==}), as the kernel compares peer pointers. {@link #lookupV4} and {@link #lookupV6} allocate
 * nothing; changes allocate and run on the configuration path. Not thread-safe: owned by the engine's thread.
 *
 * @param <T> the owner type, a peer in the engine
 */
public final class AllowedIps<T> {

    private final PrefixTrie<T> v4 = new PrefixTrie<>(32);
    private final PrefixTrie<T> v6 = new PrefixTrie<>(128);
    /** Each owner's nodes, for {@link #removeAll} and {@link #prefixesOf} without walking the tries. */
    private final Map<T, Set<Node<T>>> owned = new IdentityHashMap<>();
    private int size;

    /**
     * Makes {@code value} the owner of {@code address/cidr} (host bits are cleared). A prefix owned by another value
     * moves to this one.
     *
     * @param address 4 (IPv4) or 16 (IPv6) bytes, network order; not retained
     * @throws IllegalArgumentException if the address length or prefix length is invalid; nothing is changed then
     */
    public void insert(byte[] address, int cidr, T value) {
        Objects.requireNonNull(value, "value");
        Prefix.check(address, cidr);
        Node<T> node = trie(address).findOrCreate(high(address), low(address), cidr);
        T previous = node.value;
        if (previous == value) {
            return;
        }
        if (previous != null) {
            disown(previous, node);
        } else {
            size++;
        }
        node.value = value;
        owned.computeIfAbsent(value, v -> new HashSet<>()).add(node);
    }

    /** {@link #insert(byte[], int, Object)} for a parsed prefix. */
    public void insert(Prefix prefix, T value) {
        insert(prefix.address(), prefix.cidr(), value);
    }

    /**
     * Removes {@code address/cidr} if {@code value} owns it (host bits are cleared first).
     *
     * @return whether a prefix was removed
     * @throws IllegalArgumentException if the address length or prefix length is invalid
     */
    public boolean remove(byte[] address, int cidr, T value) {
        Prefix.check(address, cidr);
        PrefixTrie<T> trie = trie(address);
        Node<T> node = trie.find(high(address), low(address), cidr);
        if (node == null || node.value == null || node.value != value) {
            return false;
        }
        disown(value, node);
        trie.release(node);
        size--;
        return true;
    }

    /** {@link #remove(byte[], int, Object)} for a parsed prefix. */
    public boolean remove(Prefix prefix, T value) {
        return remove(prefix.address(), prefix.cidr(), value);
    }

    /** Removes every prefix {@code value} owns (UAPI {@code replace_allowed_ips}, peer removal). */
    public void removeAll(T value) {
        Set<Node<T>> nodes = owned.remove(value);
        if (nodes == null) {
            return;
        }
        for (Node<T> node : nodes) {
            (node.ipv4 ? v4 : v6).release(node);
            size--;
        }
    }

    /** Owner of the longest IPv4 prefix containing {@code address} (big-endian u32), or {@code null}. */
    public T lookupV4(int address) {
        return v4.lookup((long) address << 32, 0);
    }

    /** Owner of the longest IPv6 prefix containing the address given as two big-endian halves, or {@code null}. */
    public T lookupV6(long high, long low) {
        return v6.lookup(high, low);
    }

    /**
     * Owner of the longest prefix containing {@code address} (4 or 16 bytes), or {@code null}.
     *
     * @throws IllegalArgumentException if the address is neither 4 nor 16 bytes
     */
    public T lookup(byte[] address) {
        return switch (address.length) {
            case 4 -> v4.lookup(high(address), 0);
            case 16 -> v6.lookup(high(address), low(address));
            default -> throw new IllegalArgumentException(
                    "address must be 4 (IPv4) or 16 (IPv6) bytes, got " + address.length);
        };
    }

    /** The prefixes {@code value} owns, sorted: IPv4 before IPv6, then by address, then by prefix length. */
    public List<Prefix> prefixesOf(T value) {
        Set<Node<T>> nodes = owned.get(value);
        if (nodes == null) {
            return List.of();
        }
        List<Prefix> prefixes = new ArrayList<>(nodes.size());
        for (Node<T> node : nodes) {
            prefixes.add(toPrefix(node));
        }
        Collections.sort(prefixes);
        return prefixes;
    }

    /** Number of prefixes in the table, both families. */
    public int size() {
        return size;
    }

    /** Removes every prefix. */
    public void clear() {
        v4.clear();
        v6.clear();
        owned.clear();
        size = 0;
    }

    /**
     * Checks both tries' structure and that the owner index agrees with them. For tests.
     *
     * @throws IllegalStateException if anything is inconsistent
     */
    void verifyInvariants() {
        int inTries = v4.verify() + v6.verify();
        int indexed = 0;
        for (Map.Entry<T, Set<Node<T>>> entry : owned.entrySet()) {
            for (Node<T> node : entry.getValue()) {
                if (node.value != entry.getKey()) {
                    throw new IllegalStateException("owner index out of date for /" + node.cidr);
                }
                indexed++;
            }
        }
        if (inTries != size || indexed != size) {
            throw new IllegalStateException("size " + size + ", tries hold " + inTries + ", index holds " + indexed);
        }
    }

    private void disown(T value, Node<T> node) {
        Set<Node<T>> nodes = owned.get(value);
        nodes.remove(node);
        if (nodes.isEmpty()) {
            owned.remove(value);
        }
    }

    private PrefixTrie<T> trie(byte[] address) {
        return address.length == 4 ? v4 : v6;
    }

    private static Prefix toPrefix(Node<?> node) {
        boolean ipv4 = node.ipv4;
        byte[] address = new byte[ipv4 ? 4 : 16];
        for (int i = 0; i < address.length; i++) {
            long half = i < 8 ? node.high : node.low;
            address[i] = (byte) (half >>> (56 - 8 * (i & 7)));
        }
        return new Prefix(address, node.cidr);
    }

    /** First 8 bytes big-endian; for IPv4 the 4 address bytes land in the top half. */
    private static long high(byte[] address) {
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (i < address.length ? address[i] & 0xffL : 0);
        }
        return high;
    }

    private static long low(byte[] address) {
        if (address.length < 16) {
            return 0;
        }
        long low = 0;
        for (int i = 8; i < 16; i++) {
            low = low << 8 | (address[i] & 0xffL);
        }
        return low;
    }
}
