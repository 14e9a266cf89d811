package io.wgate.server.net;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Asks the kernel whether a network interface exists, with {@code ip link show dev NAME}, which
 * answers for this process's network namespace. ({@code /sys/class/net} would answer for the namespace
 * sysfs was mounted in, which differs after {@code nsenter --net} or {@code ip netns exec} without a
 * remount.)
 */
public final class HostLinks {

    private final CommandRunner runner;

    public HostLinks(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Real commands. */
    public static HostLinks system() {
        return new HostLinks(new ProcessCommandRunner(Duration.ofSeconds(20)));
    }

    /**
     * Whether interface {@code name} exists in this network namespace.
     *
     * @throws IOException when {@code ip} cannot run or fails for another reason than a missing device
     */
    public boolean exists(String name) throws IOException {
        CommandResult result = runner.run(List.of("ip", "link", "show", "dev", name));
        if (result.exitCode() == 0) {
            return true;
        }
        String reason = (result.stderr() + result.stdout()).toLowerCase(Locale.ROOT);
        if (reason.contains("does not exist") || reason.contains("cannot find device")) {
            return false;
        }
        throw new CommandFailedException(result);
    }
}
