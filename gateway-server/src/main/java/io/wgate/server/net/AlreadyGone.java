package io.wgate.server.net;

import java.util.List;
import java.util.Locale;

/**
 * Tells from a failed {@code ip ... del} or {@code nft delete table} that the thing to delete no longer
 * exists, so the undo counts as done: the device is gone (its addresses and routes went with it), or
 * the address, route, rule, routing table or nft table is not there. iproute2 words these differently
 * by family and version, for example {@code Cannot find device "wg0"}, {@code Device "wg0" does not exist.},
 * {@code Error: ipv4: Address not found.}, {@code Error: ipv6: address not found.},
 * {@code RTNETLINK answers: Cannot assign requested address} (EADDRNOTAVAIL),
 * {@code RTNETLINK answers: No such process} (ESRCH, a route),
 * {@code RTNETLINK answers: No such file or directory} (ENOENT, a rule) and
 * {@code Error: FIB table does not exist.}; {@code nft delete table} words a missing table
 * {@code Error: Could not process rule: No such file or directory}; so the match ignores case and looks
 * for the phrase. A tool that could not even start (the dynamic loader's {@code error while loading shared
 * libraries: ...: No such file or directory}) deleted nothing and is not counted as done.
 */
final class AlreadyGone {

    private static final List<String> PHRASES = List.of("cannot find device", "no such device", "does not exist",
            "address not found", "cannot assign requested address", "no such process", "no such file or directory");
    /** The program never ran: its own ENOENT says nothing about the object. */
    private static final List<String> NOT_RUN = List.of("error while loading shared libraries",
            "cannot open shared object file");

    private AlreadyGone() {
    }

    /** Whether {@code e}, from undoing a step, says that what it deletes is already gone. */
    static boolean means(CommandFailedException e) {
        String reason = e.reason().toLowerCase(Locale.ROOT);
        return PHRASES.stream().anyMatch(reason::contains) && NOT_RUN.stream().noneMatch(reason::contains);
    }
}
