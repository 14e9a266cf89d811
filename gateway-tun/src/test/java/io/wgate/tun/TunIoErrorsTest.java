package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.Errors.NativeIoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class TunIoErrorsTest {

    private static NativeIoException nativeError(int errno) {
        return new NativeIoException("write", -errno, false);
    }

    @Test
    void removedInterfaceAndClosedFdAreFatal() {
        assertTrue(TunIoErrors.isFatal(nativeError(Errno.EBADFD)));
        assertTrue(TunIoErrors.isFatal(new ClosedChannelException()));
        assertTrue(TunIoErrors.isFatal(new IOException("unknown")));
    }

    @Test
    void rejectedPacketAndDownInterfaceAreNot() {
        assertFalse(TunIoErrors.isFatal(nativeError(Errno.EINVAL)));
        assertFalse(TunIoErrors.isFatal(nativeError(Errno.EIO)));
    }

    @Test
    void explanationsNameTheInterfaceAndKeepTheCause() {
        NativeIoException cause = nativeError(Errno.EBADFD);
        IOException e = TunIoErrors.explain("wg0", "read", cause);
        assertEquals("TUN interface 'wg0' was removed (read failed with EBADFD (File descriptor in bad state))",
                e.getMessage());
        assertSame(cause, e.getCause());
        assertTrue(TunIoErrors.explain("wg0", "write", nativeError(Errno.EIO)).getMessage().contains("down"));
        assertTrue(TunIoErrors.explain("wg0", "write", nativeError(Errno.EINVAL)).getMessage()
                .contains("not an IPv4 or IPv6 packet"));
    }
}
