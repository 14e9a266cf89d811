package io.wgate.core.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The obviously-correct twin of {@link AllowedIps} for differential tests (the kernel's {@code horrible_allowedips},
 * wireguard-go's {@code SlowRouter}): a list of (prefix, owner) scanned linearly for the longest match. Owners are
 * compared by identity, like {@link AllowedIps}.
 */
final class NaiveAllowedIps<T> {

    private static final class Entry<T> {
        final Prefix prefix;
        T value;

        Entry(Prefix prefix, T value) {
            this.prefix = prefix;
            this.value = value;
        }
    }

    private final List<Entry<T>> entries = new ArrayList<>();

    void insert(byte[] address, int cidr, T value) {
        Prefix prefix = new Prefix(address, cidr);
        for (Entry<T> entry : entries) {
            if (entry.prefix.equals(prefix)) {
                entry.value = value;
                return;
            }
        }
        entries.add(new Entry<>(prefix, value));
    }

    boolean remove(byte[] address, int cidr, T value) {
        Prefix prefix = new Prefix(address, cidr);
        for (Iterator<Entry<T>> it = entries.iterator(); it.hasNext(); ) {
            Entry<T> entry = it.next();
            if (entry.prefix.equals(prefix) && entry.value == value) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Owner of exactly this prefix, or {@code null}. */
    T lookupExact(Prefix prefix) {
        for (Entry<T> entry : entries) {
            if (entry.prefix.equals(prefix)) {
                return entry.value;
            }
        }
        return null;
    }

    void removeAll(T value) {
        entries.removeIf(entry -> entry.value == value);
    }

    T lookup(byte[] address) {
        Entry<T> best = null;
        for (Entry<T> entry : entries) {
            if (contains(entry.prefix, address) && (best == null || entry.prefix.cidr() > best.prefix.cidr())) {
                best = entry;
            }
        }
        return best == null ? null : best.value;
    }

    List<Prefix> prefixesOf(T value) {
        List<Prefix> prefixes = new ArrayList<>();
        for (Entry<T> entry : entries) {
            if (entry.value == value) {
                prefixes.add(entry.prefix);
            }
        }
        prefixes.sort(null);
        return prefixes;
    }

    int size() {
        return entries.size();
    }

    /** All prefixes, so tests can derive addresses near existing ones. */
    List<Prefix> prefixes() {
        return entries.stream().map(e -> e.prefix).toList();
    }

    private static boolean contains(Prefix prefix, byte[] address) {
        byte[] network = prefix.address();
        if (network.length != address.length) {
            return false;
        }
        return Arrays.equals(network, new Prefix(address, prefix.cidr()).address());
    }
}
