package io.wgate.server.uapi;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What an applied {@code set} changed, for the one INFO log line per request and for tests. Counts,
 * never keys. A request that re-sends the current configuration ({@code wg syncconf} does) changes
 * nothing and says so.
 *
 * @param privateKey        whether the private key was set to a new value or removed
 * @param listenPort        the port bound, if the request rebound the sockets
 * @param fwmark            the new mark, if it changed
 * @param peersAdded        peers created
 * @param peersChanged      existing peers whose settings differ afterwards
 * @param peersRemoved      peers removed ({@code remove}, {@code replace_peers}, or a peer whose key became ours)
 * @param peersIgnored      peer sections with no effect ({@code update_only} or {@code remove} of a missing
 *                          peer, or our own public key)
 * @param allowedIpsAdded   prefixes a peer has now and did not have before
 * @param allowedIpsRemoved prefixes a peer had before and has no longer (removed peers not counted)
 */
public record SetSummary(KeyChange privateKey, OptionalInt listenPort, OptionalInt fwmark, int peersAdded,
                         int peersChanged, int peersRemoved, int peersIgnored, int allowedIpsAdded,
                         int allowedIpsRemoved) {

    /** What happened to the private key. */
    public enum KeyChange { UNCHANGED, SET, REMOVED }

    /** One line for the log: {@code private key set, listen port 51820, 2 peers added, ...} or {@code no changes}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (privateKey == KeyChange.SET) {
            parts.add("private key set");
        } else if (privateKey == KeyChange.REMOVED) {
            parts.add("private key removed");
        }
        listenPort.ifPresent(port -> parts.add("listen port " + port));
        fwmark.ifPresent(mark -> parts.add("fwmark 0x" + Integer.toHexString(mark)));
        count(parts, peersAdded, "peer", "added");
        count(parts, peersChanged, "peer", "changed");
        count(parts, peersRemoved, "peer", "removed");
        count(parts, peersIgnored, "peer section", "ignored");
        count(parts, allowedIpsAdded, "allowed IP", "added");
        count(parts, allowedIpsRemoved, "allowed IP", "removed");
        return parts.isEmpty() ? "no changes" : String.join(", ", parts);
    }

    private static void count(List<String> parts, int n, String noun, String verb) {
        if (n != 0) {
            parts.add(n + " " + noun + (n == 1 ? "" : "s") + " " + verb);
        }
    }

    /** Accumulates a summary while a request is applied. */
    static final class Builder {
        private KeyChange privateKey = KeyChange.UNCHANGED;
        private OptionalInt listenPort = OptionalInt.empty();
        private OptionalInt fwmark = OptionalInt.empty();
        private int added;
        private int changed;
        private int removed;
        private int ignored;
        private int allowedIpsAdded;
        private int allowedIpsRemoved;

        void privateKey(KeyChange change) {
            privateKey = change;
        }

        void listenPort(int port) {
            listenPort = OptionalInt.of(port);
        }

        void fwmark(int mark) {
            fwmark = OptionalInt.of(mark);
        }

        void added(int n) {
            added += n;
        }

        void changed(int n) {
            changed += n;
        }

        void removed(int n) {
            removed += n;
        }

        void ignored(int n) {
            ignored += n;
        }

        void allowedIpsAdded(int n) {
            allowedIpsAdded += n;
        }

        void allowedIpsRemoved(int n) {
            allowedIpsRemoved += n;
        }

        SetSummary build() {
            return new SetSummary(privateKey, listenPort, fwmark, added, changed, removed, ignored,
                    allowedIpsAdded, allowedIpsRemoved);
        }
    }
}
