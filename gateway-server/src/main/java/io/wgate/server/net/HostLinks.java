package io.wgate.server.net;

import io.wgate.server.config.InterfaceAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Asks the kernel whether a network interface exists, with {@code ip link show dev NAME}, and which addresses
 * it has ({@code ip -brief address show}); both answer for this process's network namespace. ({@code /sys/class/net} would answer for the namespace
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

    /**
     * The addresses on interface {@code name} now, as {@code ip -brief address show dev NAME} lists them (what
     * wg-quick's {@code save_config} writes back as {@code Address}), less IPv6 link-local ones, which the kernel
     * makes by itself; empty when the link is gone.
     *
     * @throws IOException when {@code ip} cannot run
     */
    public List<InterfaceAddress> addresses(String name) throws IOException {
        CommandResult result = runner.run(List.of("ip", "-brief", "address", "show", "dev", name));
        if (result.exitCode() != 0) {
            return List.of();
        }
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (String line : result.stdout().lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            for (int i = 2; i < fields.length; i++) {
                try {
                    InterfaceAddress address = InterfaceAddress.parse(fields[i]);
                    if (!address.address().isLinkLocalAddress()) {
                        addresses.add(address);
                    }
                } catch (IllegalArgumentException notAnAddress) {
                    // not an address column
                }
            }
        }
        return addresses;
    }

    /**
     * Sets interface {@code name}'s MTU ({@code ip link set dev NAME mtu MTU}).
     *
     * @throws IOException when {@code ip} cannot run or refuses
     */
    public void setMtu(String name, int mtu) throws IOException {
        CommandResult result = runner.run(List.of("ip", "link", "set", "dev", name, "mtu", Integer.toString(mtu)));
        if (result.exitCode() != 0) {
            throw new CommandFailedException(result);
        }
    }
}
