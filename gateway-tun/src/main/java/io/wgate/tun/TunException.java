package io.wgate.tun;

import java.io.IOException;
import java.io.Serial;

/**
 * Opening a TUN interface failed; the message says why and what to do about it.
 *
 * <p>The explanations follow the errno values {@code open(2)} and {@code TUNSETIFF} (drivers/net/tun.c,
 * {@code tun_set_iff}) return: {@code EPERM} without {@code CAP_NET_ADMIN}, {@code EBUSY} when a single-queue
 * interface of that name already has an fd attached, {@code EINVAL} when the name belongs to a link that is not a
 * TUN device with matching flags, {@code ENOENT}/{@code ENODEV} when the tun driver or device node is missing.
 */
public final class TunException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final String CAP_NET_ADMIN_HINT = "the process needs CAP_NET_ADMIN: run it as root,"
            + " pass --cap-add NET_ADMIN to docker run, or set AmbientCapabilities=CAP_NET_ADMIN in the systemd unit";
    private static final String DEVICE_HINT = "load the tun kernel module (modprobe tun) or, in a container,"
            + " pass the device through (docker run --device /dev/net/tun)";

    private final int errno;

    TunException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno reported by the kernel, e.g. 1 for {@code EPERM}. */
    public int errno() {
        return errno;
    }

    /** {@code open(path)} of the clone device failed with {@code errno}. */
    static TunException openFailed(String path, int errno) {
        String prefix = "cannot open " + path + ": " + Errno.describe(errno) + "; ";
        String advice = switch (errno) {
            case Errno.ENOENT -> "the TUN device node is missing: " + DEVICE_HINT;
            case Errno.ENODEV, Errno.ENXIO -> "the tun driver is not available: " + DEVICE_HINT;
            case Errno.EACCES, Errno.EPERM -> "the process may not open it: " + CAP_NET_ADMIN_HINT
                    + ", and the device node must be readable and writable (usually mode 0666)";
            case Errno.ENFILE, Errno.EMFILE -> "too many open files: raise the limit (ulimit -n, LimitNOFILE=)";
            default -> "unexpected error opening the TUN clone device";
        };
        return new TunException(prefix + advice, errno);
    }

    /**
     * {@code ioctl(TUNSETIFF)} for {@code requestedName} (null when the kernel picks the name) with
     * {@code flags} failed with {@code errno}.
     */
    static TunException setIffFailed(String requestedName, int flags, int errno) {
        String which = requestedName == null ? "a TUN interface" : "TUN interface '" + requestedName + "'";
        String prefix = "cannot create " + which + ": TUNSETIFF failed with " + Errno.describe(errno) + "; ";
        String advice = switch (errno) {
            case Errno.EPERM, Errno.EACCES -> CAP_NET_ADMIN_HINT;
            case Errno.EBUSY -> "the interface already exists and another file descriptor is attached to it"
                    + " (a single-queue TUN accepts one); stop the other process, delete it with 'ip link del "
                    + nameOr(requestedName) + "', or choose another name";
            case Errno.EINVAL -> requestedName == null
                    ? "the kernel rejected the flags 0x" + Integer.toHexString(flags)
                    : "an interface with that name already exists and is not a TUN device with the requested"
                            + " flags (another link type, a TAP device, or a different multi-queue setting);"
                            + " delete it with 'ip link del " + requestedName + "' or choose another name";
            case Errno.ENODEV, Errno.ENOENT -> "the tun driver is not available: " + DEVICE_HINT;
            case Errno.ENOMEM -> "the kernel is out of memory";
            default -> "unexpected error from the tun driver (flags 0x" + Integer.toHexString(flags) + ")";
        };
        return new TunException(prefix + advice, errno);
    }

    private static String nameOr(String name) {
        return name == null ? "<name>" : name;
    }
}
