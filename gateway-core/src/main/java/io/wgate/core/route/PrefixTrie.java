package io.wgate.core.route;

/**
 * A path-compressed binary trie over keys of up to 128 bits for longest-prefix match, the structure of kernel
 * {@code allowedips.c} and wireguard-go {@code device/allowedips.go}. One instance per address family:
 * {@link AllowedIps} keeps one with {@code maxBits = 32} and one with {@code maxBits = 128}.
 *
 * <p>Keys are two big-endian halves {@code (high, low)}; an IPv4 address sits in the top 32 bits of {@code high}.
 * Every node carries a masked prefix and its length; a node's children are chosen by the key bit just after that
 * prefix. Nodes without a value are branch points created by an insertion and removed as soon as they have fewer than
 * two children, so the trie never holds more than {@code 2n - 1} nodes for {@code n} prefixes.
 *
 * <p>{@link #lookup} allocates nothing. Not thread-safe.
 */
final class PrefixTrie<T> {

    /** One prefix, or a branch point when {@link #value} is {@code null}. */
    static final class Node<T> {
        final long high;
        final long low;
        final long maskHigh;
        final long maskLow;
        final int cidr;
        /** Family, so an owner's node can be released without knowing which trie it came from. */
        final boolean ipv4;
        T value;
        Node<T> parent;
        Node<T> zero;
        Node<T> one;

        Node(long high, long low, int cidr, boolean ipv4) {
            this.ipv4 = ipv4;
            this.maskHigh = maskHigh(cidr);
            this.maskLow = maskLow(cidr);
            this.high = high & maskHigh;
            this.low = low & maskLow;
            this.cidr = cidr;
        }

        boolean contains(long keyHigh, long keyLow) {
            return (keyHigh & maskHigh) == high && (keyLow & maskLow) == low;
        }
    }

    private final int maxBits;
    private Node<T> root;

    PrefixTrie(int maxBits) {
        this.maxBits = maxBits;
    }

    /** Value of the longest prefix containing the key, or {@code null}. */
    T lookup(long high, long low) {
        T best = null;
        Node<T> node = root;
        while (node != null && node.contains(high, low)) {
            if (node.value != null) {
                best = node.value;
            }
            if (node.cidr == maxBits) {
                break;
            }
            node = bit(high, low, node.cidr) == 0 ? node.zero : node.one;
        }
        return best;
    }

    /**
     * The node for exactly {@code (high, low)/cidr}, created (with a {@code null} value) if absent. The caller sets
     * its value; a node left without a value and with fewer than two children must be passed to {@link #release}.
     */
    Node<T> findOrCreate(long high, long low, int cidr) {
        Node<T> parent = null;
        Node<T> node = root;
        while (node != null && node.cidr <= cidr && node.contains(high, low)) {
            if (node.cidr == cidr) {
                return node;
            }
            parent = node;
            node = bit(high, low, node.cidr) == 0 ? node.zero : node.one;
        }
        Node<T> fresh = new Node<>(high, low, cidr, maxBits == 32);
        if (node == null) {
            replaceChild(parent, null, fresh);
            return fresh;
        }
        // node is below parent but either does not contain the new prefix or is longer than it.
        // Where the two part ways; never beyond either prefix (min with node.cidr is implied, kept for clarity).
        int common = Math.min(Math.min(cidr, node.cidr),
                commonPrefixLength(fresh.high, fresh.low, node.high, node.low));
        if (common == cidr) {
            replaceChild(parent, node, fresh);
            attach(fresh, node);
        } else {
            Node<T> branch = new Node<>(fresh.high, fresh.low, common, maxBits == 32);
            replaceChild(parent, node, branch);
            attach(branch, node);
            attach(branch, fresh);
        }
        return fresh;
    }

    /** The node for exactly {@code (high, low)/cidr}, or {@code null}. */
    Node<T> find(long high, long low, int cidr) {
        Node<T> node = root;
        while (node != null && node.cidr <= cidr && node.contains(high, low)) {
            if (node.cidr == cidr) {
                return node;
            }
            node = bit(high, low, node.cidr) == 0 ? node.zero : node.one;
        }
        return null;
    }

    /**
     * Clears the node's value and unlinks whatever is no longer needed: the node itself if it has fewer than two
     * children, and then its parent if that is a branch point left with a single child.
     */
    void release(Node<T> node) {
        node.value = null;
        if (node.zero != null && node.one != null) {
            return;
        }
        Node<T> child = node.zero != null ? node.zero : node.one;
        Node<T> parent = node.parent;
        replaceChild(parent, node, child);
        node.parent = null;
        if (child == null && parent != null && parent.value == null) {
            Node<T> other = parent.zero != null ? parent.zero : parent.one;
            replaceChild(parent.parent, parent, other);
            parent.parent = null;
        }
    }

    boolean isEmpty() {
        return root == null;
    }

    void clear() {
        root = null;
    }

    /**
     * Walks the whole trie and checks its structure: parent links, every child inside its parent's prefix and on the
     * side of its key bit, every branch point with two children. For tests.
     *
     * @return the number of nodes that hold a value
     * @throws IllegalStateException naming the first broken node
     */
    int verify() {
        if (root != null && root.parent != null) {
            throw new IllegalStateException("root has a parent");
        }
        return verify(root);
    }

    private int verify(Node<T> node) {
        if (node == null) {
            return 0;
        }
        if (node.cidr > maxBits) {
            throw new IllegalStateException("prefix length " + node.cidr + " beyond " + maxBits);
        }
        if (node.value == null && (node.zero == null || node.one == null)) {
            throw new IllegalStateException("branch point /" + node.cidr + " without two children");
        }
        for (int side = 0; side < 2; side++) {
            Node<T> child = side == 0 ? node.zero : node.one;
            if (child == null) {
                continue;
            }
            if (child.parent != node) {
                throw new IllegalStateException("broken parent link below /" + node.cidr);
            }
            if (child.cidr <= node.cidr || !node.contains(child.high, child.low)
                    || bit(child.high, child.low, node.cidr) != side) {
                throw new IllegalStateException("child /" + child.cidr + " misplaced below /" + node.cidr);
            }
        }
        return (node.value != null ? 1 : 0) + verify(node.zero) + verify(node.one);
    }

    /** Hooks {@code child} under {@code parent} on the side given by the child's key bit at the parent's length. */
    private static <T> void attach(Node<T> parent, Node<T> child) {
        if (bit(child.high, child.low, parent.cidr) == 0) {
            parent.zero = child;
        } else {
            parent.one = child;
        }
        child.parent = parent;
    }

    /** Puts {@code replacement} (may be null) where {@code old} (may be null: a free slot) hangs under parent. */
    private void replaceChild(Node<T> parent, Node<T> old, Node<T> replacement) {
        if (parent == null) {
            root = replacement;
            if (replacement != null) {
                replacement.parent = null;
            }
        } else if (old != null) {
            if (parent.zero == old) {
                parent.zero = replacement;
            } else {
                parent.one = replacement;
            }
            if (replacement != null) {
                replacement.parent = parent;
            }
        } else {
            attach(parent, replacement);
        }
    }

    static int bit(long high, long low, int index) {
        return (int) (index < 64 ? high >>> (63 - index) : low >>> (127 - index)) & 1;
    }

    static int commonPrefixLength(long high1, long low1, long high2, long low2) {
        long diff = high1 ^ high2;
        if (diff != 0) {
            return Long.numberOfLeadingZeros(diff);
        }
        return 64 + Long.numberOfLeadingZeros(low1 ^ low2);
    }

    static long maskHigh(int cidr) {
        return cidr == 0 ? 0 : cidr >= 64 ? -1L : -1L << (64 - cidr);
    }

    static long maskLow(int cidr) {
        return cidr <= 64 ? 0 : -1L << (128 - cidr);
    }
}
