package io.wgate.server.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every command inside a network namespace ({@code ip netns exec NS ...}) so that tests can let
 * {@link LinkSetup} change addresses, routes and rules without touching the host. Production code
 * runs in its namespace already and never sees this.
 */
final class NamespacedCommandRunner implements CommandRunner {

    private final String namespace;
    private final CommandRunner delegate;

    NamespacedCommandRunner(String namespace, CommandRunner delegate) {
        this.namespace = namespace;
        this.delegate = delegate;
    }

    @Override
    public CommandResult run(List<String> command) throws IOException {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        CommandResult r = delegate.run(wrapped);
        return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr());
    }
}
