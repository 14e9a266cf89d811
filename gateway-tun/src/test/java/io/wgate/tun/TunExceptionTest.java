package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TunExceptionTest {
    private static final int FLAGS = IfTun.IFF_TUN | IfTun.IFF_NO_PI;

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void permissionDeniedAsksForCapNetAdmin() {
        TunException e = TunException.setIffFailed("wg0", FLAGS, Errno.EPERM);
        assertEquals(Errno.EPERM, e.errno());
        assertContains(e.getMessage(), "'wg0'", "EPERM", "CAP_NET_ADMIN", "root", "--cap-add NET_ADMIN",
                "AmbientCapabilities=CAP_NET_ADMIN");
    }

    @Test
    void missingDeviceNodeAsksToLoadTheModuleOrPassTheDevice() {
        TunException e = TunException.openFailed("/dev/net/tun", Errno.ENOENT);
        assertContains(e.getMessage(), "/dev/net/tun", "ENOENT", "modprobe tun", "--device /dev/net/tun");
        assertContains(TunException.openFailed("/dev/net/tun", Errno.ENODEV).getMessage(), "modprobe tun");
    }

    @Test
    void busyNameSaysTheInterfaceExists() {
        TunException e = TunException.setIffFailed("wg0", FLAGS, Errno.EBUSY);
        assertContains(e.getMessage(), "'wg0'", "EBUSY", "already exists", "ip link del wg0");
    }

    @Test
    void invalidArgumentForANamedInterfaceSaysANonTunLinkExists() {
        TunException e = TunException.setIffFailed("br0", FLAGS, Errno.EINVAL);
        assertContains(e.getMessage(), "'br0'", "EINVAL", "already exists", "not a TUN device", "ip link del br0");
    }

    @Test
    void invalidArgumentWithoutANameBlamesTheFlags() {
        TunException e = TunException.setIffFailed(null, 0x7001, Errno.EINVAL);
        assertContains(e.getMessage(), "a TUN interface", "flags 0x7001");
    }

    @Test
    void permissionDeniedOnOpenMentionsBothCapabilityAndDeviceMode() {
        assertContains(TunException.openFailed("/dev/net/tun", Errno.EACCES).getMessage(), "EACCES",
                "CAP_NET_ADMIN", "0666");
    }

    @Test
    void unknownErrnoIsStillReportedWithItsNumber() {
        assertContains(TunException.setIffFailed("wg0", FLAGS, 200).getMessage(), "errno 200", "0x1001");
        assertContains(TunException.openFailed("/dev/net/tun", Errno.EMFILE).getMessage(), "too many open files");
    }
}
