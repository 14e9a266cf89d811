package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Pins the if_tun.h values and recomputes the ioctl numbers from the _IOW/_IOR encoding (asm-generic/ioctl.h). */
class IfTunTest {
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)}: dir in bits 30-31, size in 16-29, type in 8-15, nr in 0-7. */
    private static long ioc(int dir, char type, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
    }

    @Test
    void ioctlNumbersMatchTheirEncoding() {
        assertEquals(0x400454caL, IfTun.TUNSETIFF);
        assertEquals(ioc(IOC_WRITE, 'T', 202, 4), IfTun.TUNSETIFF);
        assertEquals(ioc(IOC_WRITE, 'T', 203, 4), IfTun.TUNSETPERSIST);
        assertEquals(ioc(IOC_READ, 'T', 207, 4), IfTun.TUNGETFEATURES);
        assertEquals(ioc(IOC_WRITE, 'T', 208, 4), IfTun.TUNSETOFFLOAD);
        assertEquals(ioc(IOC_READ, 'T', 210, 4), IfTun.TUNGETIFF);
        assertEquals(ioc(IOC_WRITE, 'T', 216, 4), IfTun.TUNSETVNETHDRSZ);
        assertEquals(ioc(IOC_WRITE, 'T', 217, 4), IfTun.TUNSETQUEUE);
        assertEquals(0x800454d2L, IfTun.TUNGETIFF);
        assertEquals(0x400454d0L, IfTun.TUNSETOFFLOAD);
    }

    @Test
    void flagValuesMatchIfTunH() {
        assertEquals(0x0001, IfTun.IFF_TUN);
        assertEquals(0x0002, IfTun.IFF_TAP);
        assertEquals(0x0010, IfTun.IFF_NAPI);
        assertEquals(0x0100, IfTun.IFF_MULTI_QUEUE);
        assertEquals(0x0200, IfTun.IFF_ATTACH_QUEUE);
        assertEquals(0x0400, IfTun.IFF_DETACH_QUEUE);
        assertEquals(0x1000, IfTun.IFF_NO_PI);
        assertEquals(0x4000, IfTun.IFF_VNET_HDR);
    }

    @Test
    void openFlagsMatchFcntlH() {
        assertEquals(02, Libc.O_RDWR);
        assertEquals(04000, Libc.O_NONBLOCK);
        assertEquals(02000000, Libc.O_CLOEXEC);
    }
}
