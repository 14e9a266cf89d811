package io.wgate.server.net;

import java.io.IOException;
import java.util.List;

/**
 * Runs an external command (always an argument vector, never a shell line). The production runner is
 * {@link ProcessCommandRunner}; tests substitute canned answers or a runner that prefixes
 * {@code ip netns exec NS}.
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * Runs {@code command} to completion.
     *
     * @return its exit status and output, whatever the status
     * @throws IOException when it cannot be started or does not finish in time
     */
    CommandResult run(List<String> command) throws IOException;

    /**
     * Runs {@code command} and insists on exit status 0.
     *
     * @throws CommandFailedException when it exits with another status, with its standard error in the message
     * @throws IOException            when it cannot be started or does not finish in time
     */
    default CommandResult check(List<String> command) throws IOException {
        CommandResult result = run(command);
        if (result.exitCode() != 0) {
            throw new CommandFailedException(result);
        }
        return result;
    }
}
