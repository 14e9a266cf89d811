package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class UdpErrorHandlerTest {

    static {
        io.netty.channel.epoll.Epoll.ensureAvailability(); // NativeIoException's message comes from the native library
    }

    private static Errors.NativeIoException errno(int errno) {
        return new Errors.NativeIoException("sendmmsg", -errno);
    }

    @Test
    void theErrorsOfASegmentedSendThatCannotWorkSwitchGsoOff() {
        assertTrue(UdpErrorHandler.refusesGso(errno(5)), "EIO: no checksum offload on the egress device");
        assertTrue(UdpErrorHandler.refusesGso(errno(90)), "EMSGSIZE: segment above the path MTU");
        assertTrue(UdpErrorHandler.refusesGso(errno(22)), "EINVAL: the same on older kernels, or too many segments");
    }

    @Test
    void otherSendFailuresLeaveGsoOn() {
        assertFalse(UdpErrorHandler.refusesGso(errno(101)), "ENETUNREACH");
        assertFalse(UdpErrorHandler.refusesGso(errno(113)), "EHOSTUNREACH");
        assertFalse(UdpErrorHandler.refusesGso(errno(1)), "EPERM (a firewall)");
        assertFalse(UdpErrorHandler.refusesGso(new IOException("EIO")), "not a native errno");
    }
}
