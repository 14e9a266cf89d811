package io.wgate.server.net;

import io.wgate.server.config.Redaction;
import java.io.IOException;

/**
 * A command that exited with a non-zero status. The message is the command, the status and what it
 * printed on standard error, for example
 * {@code ip -4 route add 10.0.0.0/8 dev wg0 failed (exit 2): RTNETLINK answers: File exists}, with
 * anything shaped like a key hidden ({@link Redaction#text}): a hook may print one.
 */
public final class CommandFailedException extends IOException {

    private final transient CommandResult result;

    public CommandFailedException(CommandResult result) {
        super(message(result));
        this.result = result;
    }

    /** The failed command's result. */
    public CommandResult result() {
        return result;
    }

    /**
     * Standard error (or, when that is empty, standard output), trimmed, lines joined by {@code "; "}, key-shaped
     * runs hidden.
     */
    public String reason() {
        return reason(result);
    }

    private static String reason(CommandResult result) {
        String text = result.stderr().isBlank() ? result.stdout() : result.stderr();
        return Redaction.text(String.join("; ",
                text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()));
    }

    private static String message(CommandResult result) {
        String reason = reason(result);
        return CommandResult.display(result.command()) + " failed (exit " + result.exitCode() + ")"
                + (reason.isEmpty() ? "" : ": " + reason);
    }
}
