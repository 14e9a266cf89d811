package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.NetNsScope;
import io.wgate.tun.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link HostLinks} answers for the network namespace the process (here: the thread) is in, which is
 * what the gateway's TUN is created in. {@code /sys/class/net} answers for the namespace sysfs was
 * mounted in, the host's, and would miss the link (as after {@code nsenter --net}).
 */
@Privileged
class HostLinksNetnsTest {

    @Test
    void seesTheLinksOfTheNamespaceItRunsInUnlikeSysfs() throws Exception {
        String link = "wgt-hl" + ProcessHandle.current().pid() % 100000;
        try (NetNs ns = NetNs.create("hostlinks")) {
            ns.ip("tuntap", "add", "dev", link, "mode", "tun");
            try (NetNsScope ignored = ns.enter()) {
                assertFalse(Files.exists(Path.of("/sys/class/net", link)), "sysfs shows the host's links");
                assertTrue(HostLinks.system().exists(link));
                assertFalse(HostLinks.system().exists(link + "x"));
            }
            assertFalse(HostLinks.system().exists(link), "not on the host");
        }
    }
}
