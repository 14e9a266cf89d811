package io.wgate.server.net;

import io.wgate.server.config.Redaction;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a command ended.
 *
 * @param command  the argument vector that was run
 * @param exitCode its exit status
 * @param stdout   standard output, decoded as UTF-8
 * @param stderr   standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** A successful result with the given output (for fakes in tests). */
    public static CommandResult ok(List<String> command, String stdout) {
        return new CommandResult(command, 0, stdout, "");
    }

    /**
     * The command as a shell would show it: arguments with spaces or quotes are single-quoted. Anything
     * shaped like a key is hidden ({@link Redaction#text}): a hook is configuration, and a user may have
     * pasted a key into one ({@code PostUp = wg set %i private-key <(echo ...)}).
     */
    public static String display(List<String> command) {
        return Redaction.text(command.stream().map(CommandResult::quote).collect(Collectors.joining(" ")));
    }

    private static String quote(String arg) {
        return SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
