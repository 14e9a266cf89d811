package io.wgate.server.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every command and answers from a script: canned output for exact commands, failures for
 * chosen commands (or for the N-th mutating command), success with no output otherwise.
 */
final class FakeCommandRunner implements CommandRunner {

    private final List<String> log = new ArrayList<>();
    private final Map<String, CommandResult> answers = new HashMap<>();
    private int failMutationNumber;
    private int mutations;

    /** Answer {@code command} (as displayed) with this output and exit status 0. */
    FakeCommandRunner answer(String command, String stdout) {
        answers.put(command, new CommandResult(split(command), 0, stdout, ""));
        return this;
    }

    /** Answer {@code command} with a failure. */
    FakeCommandRunner fail(String command, int exit, String stderr) {
        answers.put(command, new CommandResult(split(command), exit, "", stderr));
        return this;
    }

    /**
     * Fail the N-th (1-based) command that changes something: anything but {@code ip ... show},
     * {@code ip route get}, {@code ip link show}, {@code nft --version}.
     */
    FakeCommandRunner failMutation(int n) {
        failMutationNumber = n;
        return this;
    }

    /** Every command run so far, displayed as a shell would show it. */
    List<String> commands() {
        return List.copyOf(log);
    }

    void clear() {
        log.clear();
    }

    @Override
    public CommandResult run(List<String> command) throws IOException {
        String shown = CommandResult.display(command);
        log.add(shown);
        CommandResult canned = answers.get(shown);
        if (canned != null) {
            return new CommandResult(command, canned.exitCode(), canned.stdout(), canned.stderr());
        }
        if (isMutation(command) && ++mutations == failMutationNumber) {
            return new CommandResult(command, 2, "", "RTNETLINK answers: Injected failure");
        }
        return CommandResult.ok(command, "");
    }

    static boolean isMutation(List<String> command) {
        return !(command.contains("show") || command.contains("get") || command.contains("--version")
                || command.getFirst().equals("cat"));
    }

    private static List<String> split(String command) {
        return List.of(command.split(" "));
    }
}
