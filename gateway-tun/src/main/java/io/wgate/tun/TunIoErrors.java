package io.wgate.tun;

import io.netty.channel.unix.Errors.NativeIoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Classifies read and write errors on a TUN fd: which ones mean the interface is gone (close the channel) and
 * which ones only reject one packet, and turns them into messages that name the interface.
 *
 * <p>From drivers/net/tun.c: once the interface is deleted the fd is detached and {@code read}/{@code write}
 * return {@code EBADFD}; {@code tun_get_user} returns {@code EINVAL} for a packet that is not IPv4/IPv6 and
 * {@code EIO} while the interface is down, neither of which ends the fd.
 */
final class TunIoErrors {
    private TunIoErrors() {
    }

    /** The errno behind {@code e}, or 0 if Netty did not report one. */
    static int errno(Throwable e) {
        if (e instanceof NativeIoException n) {
            return -n.expectedErr();
        }
        if (e instanceof ClosedChannelException) {
            return Errno.EBADF;
        }
        return 0;
    }

    /** Whether a failed {@code write} means the fd is unusable (as opposed to one rejected packet). */
    static boolean isFatal(IOException e) {
        return switch (errno(e)) {
            case Errno.EINVAL, Errno.EIO, Errno.ENOMEM, Errno.EFAULT -> false;
            default -> true;
        };
    }

    /** Wraps {@code cause} of a failed {@code operation} ("read"/"write") in a message naming the interface. */
    static IOException explain(String name, String operation, Throwable cause) {
        int errno = errno(cause);
        String message = switch (errno) {
            case Errno.EBADFD -> "TUN interface '" + name + "' was removed (" + operation + " failed with "
                    + Errno.describe(errno) + ")";
            case Errno.EBADF -> "TUN interface '" + name + "': the fd is closed";
            case Errno.EINVAL -> "TUN interface '" + name + "' rejected a packet (" + Errno.describe(errno)
                    + "): not an IPv4 or IPv6 packet, or its length is wrong";
            case Errno.EIO -> "TUN interface '" + name + "' rejected a packet (" + Errno.describe(errno)
                    + "): the interface is probably down";
            case 0 -> "TUN interface '" + name + "': " + operation + " failed: " + cause;
            default -> "TUN interface '" + name + "': " + operation + " failed with " + Errno.describe(errno);
        };
        return new IOException(message, cause);
    }
}
