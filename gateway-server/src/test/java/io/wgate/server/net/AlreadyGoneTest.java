package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlreadyGoneTest {

    private static CommandFailedException failure(String stderr) {
        return new CommandFailedException(new CommandResult(List.of("ip"), 2, "", stderr + "\n"));
    }

    /** What iproute2 6.1 prints when undoing a step whose object is gone (checked in a namespace). */
    @ParameterizedTest
    @ValueSource(strings = {
            "Cannot find device \"wg0\"",
            "Device \"wg0\" does not exist.",
            "Error: ipv4: Address not found.",
            "Error: ipv6: address not found.",
            "RTNETLINK answers: Cannot assign requested address",
            "RTNETLINK answers: No such process",
            "RTNETLINK answers: No such file or directory",
            "Error: FIB table does not exist.",
            // nftables 1.0.6, nft delete table ip wg-quick-wg0
            "Error: Could not process rule: No such file or directory\ndelete table ip wg-quick-wg0\n"
                    + "                ^^^^^^^^^^^^",
            "RTNETLINK ANSWERS: NO SUCH PROCESS"})
    void countsAMissingObjectAsUndone(String stderr) {
        assertTrue(AlreadyGone.means(failure(stderr)), stderr);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "RTNETLINK answers: Operation not permitted",
            "RTNETLINK answers: File exists",
            "Error: Could not process rule: Operation not permitted",
            "Error: argument \"x\" is wrong: invalid prefix",
            "nft: error while loading shared libraries: libnftables.so.1: cannot open shared object file: "
                    + "No such file or directory",
            ""})
    void keepsRealFailures(String stderr) {
        assertFalse(AlreadyGone.means(failure(stderr)), stderr);
    }
}
