package io.wgate.server.uapi;

/**
 * A UAPI request failed. {@link #errno()} is the negative errno written back as {@code errno=N}, with
 * wireguard-go's values ({@code ipc/uapi_unix.go}: {@code IpcErrorIO}, {@code IpcErrorProtocol},
 * {@code IpcErrorInvalid}, {@code IpcErrorPortInUse}, {@code IpcErrorUnknown}); the message says what
 * was wrong and where, and never contains key material.
 */
public final class UapiException extends Exception {

    private static final long serialVersionUID = 1L;

    /** {@code -EIO}: the request could not be read (a line or the whole request too long, I/O failure). */
    public static final int EIO = -5;
    /** Out of memory: the requests in progress on all connections hold as much as they may. */
    public static final int ENOMEM = -12;
    /** Busy: as many connections as allowed are open. */
    public static final int EBUSY = -16;
    /** Timed out: a connection sat idle in the middle of a request. */
    public static final int ETIMEDOUT = -110;
    /** {@code -EINVAL}: an unknown key or a value that is not valid for its key. */
    public static final int EINVAL = -22;
    /** {@code -EPROTO}: a line that is not {@code key=value}. */
    public static final int EPROTO = -71;
    /** {@code -EADDRINUSE}: the listen port could not be bound or the fwmark not applied. */
    public static final int EADDRINUSE = -98;
    /** wireguard-go's "unknown error" ({@code -55}, {@code ENOBUFS} on Linux). */
    public static final int UNKNOWN = -55;

    private final int errno;

    /**
     * @param errno   one of the negative constants of this class
     * @param message what is wrong, without key material
     */
    public UapiException(int errno, String message) {
        super(message);
        if (errno >= 0) {
            throw new IllegalArgumentException("a UAPI errno is negative, got " + errno);
        }
        this.errno = errno;
    }

    /** An {@link #EINVAL} error. */
    static UapiException invalid(String message) {
        return new UapiException(EINVAL, message);
    }

    /** The negative errno answered to the client. */
    public int errno() {
        return errno;
    }
}
