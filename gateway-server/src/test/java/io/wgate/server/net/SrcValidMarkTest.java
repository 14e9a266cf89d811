package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrcValidMarkTest {

    private static final String READ = "cat /proc/sys/net/ipv4/conf/all/src_valid_mark";
    private static final String WRITE = "sysctl -q net.ipv4.conf.all.src_valid_mark=1";

    private final FakeCommandRunner host = new FakeCommandRunner();

    @Test
    void aValueOfOneIsLeftAloneSoThatAReadOnlyProcSysIsNoObstacle() throws Exception {
        host.answer(READ, "1\n");
        host.fail(WRITE, 255, "sysctl: setting key \"net.ipv4.conf.all.src_valid_mark\": Read-only file system\n");

        SrcValidMark.ensure(new HostCommands(host), "wg0");

        assertEquals(List.of(READ), host.commands());
    }

    @Test
    void anyOtherValueIsSetToOne() throws Exception {
        host.answer(READ, "0\n");

        SrcValidMark.ensure(new HostCommands(host), "wg0");

        assertEquals(List.of(READ, WRITE), host.commands());
    }

    @Test
    void anUnreadableValueIsSetToOne() throws Exception {
        host.fail(READ, 1, "cat: /proc/sys/net/ipv4/conf/all/src_valid_mark: No such file or directory\n");

        SrcValidMark.ensure(new HostCommands(host), "wg0");

        assertEquals(List.of(READ, WRITE), host.commands());
    }

    @Test
    void aReadOnlyProcSysNamesTheContainerAndTheSystemdWayToSetIt() {
        host.answer(READ, "0\n");
        host.fail(WRITE, 255, "sysctl: setting key \"net.ipv4.conf.all.src_valid_mark\": Read-only file system\n");

        IOException e = assertThrows(IOException.class, () -> SrcValidMark.ensure(new HostCommands(host), "wg0"));

        assertEquals("wg0: the full tunnel needs net.ipv4.conf.all.src_valid_mark=1, and it is 0 and cannot be set here"
                + " (sysctl -q net.ipv4.conf.all.src_valid_mark=1 failed (exit 255): sysctl: setting key"
                + " \"net.ipv4.conf.all.src_valid_mark\": Read-only file system): /proc/sys is read-only in a container"
                + " and under systemd's ProtectKernelTunables=yes; set it before the gateway starts: 'docker run"
                + " --sysctl net.ipv4.conf.all.src_valid_mark=1' (or podman's, or compose's sysctls), or a file in"
                + " /etc/sysctl.d (for example 'echo net.ipv4.conf.all.src_valid_mark=1 > /etc/sysctl.d/90-wgate.conf"
                + " && sysctl --system')", e.getMessage());
    }

    @Test
    void aMissingSysctlCommandGetsTheSameAdvice() {
        CommandRunner noSysctl = command -> {
            if (command.getFirst().equals("sysctl")) {
                throw new IOException("Cannot run program \"sysctl\": error=2, No such file or directory");
            }
            return host.run(command);
        };
        host.answer(READ, "0\n");

        IOException e = assertThrows(IOException.class, () -> SrcValidMark.ensure(new HostCommands(noSysctl), "wg0"));

        assertTrue(e.getMessage().contains("(Cannot run program \"sysctl\": error=2, No such file or directory)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'docker run --sysctl net.ipv4.conf.all.src_valid_mark=1'"), e.getMessage());
    }
}
