package io.wgate.tun;

/**
 * The Linux errno values this module interprets, with their symbolic names for error messages.
 *
 * <p>Values from {@code include/uapi/asm-generic/errno-base.h} and {@code errno.h}; identical on x86-64 and
 * aarch64.
 */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOTTY = 25;
    /** "File descriptor in bad state": what a TUN fd reports once its interface was deleted. */
    static final int EBADFD = 77;

    private Errno() {
    }

    /** Returns {@code "EPERM (Operation not permitted)"} style text, or {@code "errno 42"} for others. */
    static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM (Operation not permitted)";
            case ENOENT -> "ENOENT (No such file or directory)";
            case EIO -> "EIO (Input/output error)";
            case ENXIO -> "ENXIO (No such device or address)";
            case EBADF -> "EBADF (Bad file descriptor)";
            case EAGAIN -> "EAGAIN (Resource temporarily unavailable)";
            case ENOMEM -> "ENOMEM (Cannot allocate memory)";
            case EACCES -> "EACCES (Permission denied)";
            case EFAULT -> "EFAULT (Bad address)";
            case EBUSY -> "EBUSY (Device or resource busy)";
            case ENODEV -> "ENODEV (No such device)";
            case EINVAL -> "EINVAL (Invalid argument)";
            case ENFILE -> "ENFILE (Too many open files in system)";
            case EMFILE -> "EMFILE (Too many open files)";
            case ENOTTY -> "ENOTTY (Inappropriate ioctl for device)";
            case EBADFD -> "EBADFD (File descriptor in bad state)";
            default -> "errno " + errno;
        };
    }
}
