package io.wgate.server.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * The {@code net.ipv4.conf.all.src_valid_mark} sysctl an IPv4 full tunnel needs: with it, the reverse-path filter
 * looks replies up with their fwmark, so that the encrypted traffic's replies are not dropped
 * ({@link FullTunnelFirewall}). Like wg-quick's {@code add_default} (wireguard-tools
 * {@code src/wg-quick/linux.bash}), the value is read first and written only when it is not 1 already.
 *
 * <p>The write fails where {@code /proc/sys} is read-only: in a container, and in a systemd unit with
 * {@code ProtectKernelTunables=yes}. There the sysctl must be set before the gateway starts, and the error says how.
 * Reading and writing go through the {@link CommandRunner}, so that they act on the network namespace the commands
 * run in.
 */
final class SrcValidMark {

    /** The sysctl, as {@code sysctl} and {@code docker run --sysctl} name it. */
    static final String KEY = "net.ipv4.conf.all.src_valid_mark";
    /** Where the kernel shows it. */
    static final String FILE = "/proc/sys/net/ipv4/conf/all/src_valid_mark";

    private SrcValidMark() {
    }

    /**
     * Makes sure the sysctl is 1 for {@code dev}'s full tunnel: nothing to do when it is; else {@code sysctl -q
     * KEY=1}.
     *
     * @throws IOException when it is not 1 and cannot be set, naming how to set it outside the gateway
     */
    static void ensure(HostCommands commands, String dev) throws IOException {
        CommandResult current = commands.query(List.of("cat", FILE));
        if (current.exitCode() == 0 && current.stdout().strip().equals("1")) {
            return;
        }
        try {
            commands.exec(List.of("sysctl", "-q", KEY + "=1"));
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(dev + ": the full tunnel needs " + KEY + "=1, and it is "
                    + describe(current) + " and cannot be set here (" + e.getMessage() + "): /proc/sys is read-only in"
                    + " a container and under systemd's ProtectKernelTunables=yes; set it before the gateway starts:"
                    + " 'docker run --sysctl " + KEY + "=1' (or podman's, or compose's sysctls), or a file in"
                    + " /etc/sysctl.d (for example 'echo " + KEY + "=1 > /etc/sysctl.d/90-wgate.conf && sysctl"
                    + " --system')", e);
        }
    }

    private static String describe(CommandResult current) {
        if (current.exitCode() != 0) {
            return "unreadable (" + FILE + ")";
        }
        String value = current.stdout().strip();
        return value.isEmpty() ? "empty" : value;
    }
}
