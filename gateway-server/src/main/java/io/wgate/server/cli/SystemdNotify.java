package io.wgate.server.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.wgate.tun.ErrnoDowncall;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * systemd's service notification protocol ({@code sd_notify(3)}; {@code Type=notify} in {@code systemd.service(5)}):
 * newline-separated {@code KEY=VALUE} lines in one datagram to the {@code AF_UNIX SOCK_DGRAM} socket that
 * {@code NOTIFY_SOCKET} names, a path ({@code /run/systemd/notify}) or, with a leading {@code @}, an abstract name
 * (the {@code @} stands for the leading NUL byte). One {@code sendto(2)} through the FFM API: Java's own
 * {@code DatagramChannel} has no {@code AF_UNIX} datagrams. systemd takes the sender's pid from the credentials the
 * kernel attaches, and by default ({@code NotifyAccess=main}) listens only to the unit's main process: the JVM, which
 * the launchers {@code exec}.
 *
 * <p>The gateway says {@link #ready} once it serves, {@link #reloading} and {@link #ready} again around a reload, and
 * {@link #stopping} when it begins to shut down. Without {@code NOTIFY_SOCKET} (not started by systemd, or not with
 * {@code Type=notify}) every call does nothing. A datagram that cannot be sent is logged and otherwise ignored: the
 * gateway serves whether or not systemd hears about it (systemd then reports the start as timed out).
 *
 * <p>Thread-safe: each message opens, uses and closes its own socket.
 */
public final class SystemdNotify {

    /** The environment variable systemd sets for {@code Type=notify} services. */
    public static final String VARIABLE = "NOTIFY_SOCKET";

    private static final System.Logger LOG = System.getLogger(SystemdNotify.class.getName());
    /** {@code sizeof(sun_path)} in {@code struct sockaddr_un} ({@code linux/un.h}). */
    static final int SUN_PATH_SIZE = 108;
    /** The offset of {@code sun_path}: after the 2-byte {@code sun_family}. */
    private static final int SUN_PATH_OFFSET = 2;
    private static final SystemdNotify NONE = new SystemdNotify(null);

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** For the socket {@code NOTIFY_SOCKET} names; one that does nothing where it is unset or empty. */
    public static SystemdNotify fromEnvironment() {
        return to(System.getenv(VARIABLE));
    }

    /**
     * For {@code socket}, a path or an {@code @}-prefixed abstract name; one that does nothing for null or empty. A
     * value of another form is reported (logged) when a message is sent.
     */
    public static SystemdNotify to(String socket) {
        return socket == null || socket.isEmpty() ? NONE : new SystemdNotify(socket);
    }

    /** Whether messages go anywhere. */
    public boolean enabled() {
        return socket != null;
    }

    /** {@code READY=1}: serving (start-up or reload done), with a line for {@code systemctl status}. */
    public void ready(String status) {
        tell("READY=1\nSTATUS=" + oneLine(status));
    }

    /**
     * {@code RELOADING=1} with {@code MONOTONIC_USEC} (the reload's start on {@code CLOCK_MONOTONIC}, which systemd
     * 253 and later use to match the reload to its request; older ones ignore it); {@link #ready} ends the reload.
     */
    public void reloading() {
        if (enabled()) {
            tell("RELOADING=1\nMONOTONIC_USEC=" + Native.monotonicMicros() + "\nSTATUS=reloading");
        }
    }

    /** {@code STOPPING=1}: shutting down, with why. */
    public void stopping(String status) {
        tell("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** Sends {@code message} if enabled; a failure is logged as a warning. */
    void tell(String message) {
        if (!enabled()) {
            return;
        }
        try {
            send(message);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot tell systemd ''{0}'': {1}", message.lines().findFirst().orElse(""),
                    e.getMessage());
        }
    }

    /**
     * Sends {@code message} as one datagram.
     *
     * @throws IOException naming the socket and why: a malformed {@code NOTIFY_SOCKET}, or the kernel's error
     * @throws IllegalStateException when this instance is not {@link #enabled()}
     */
    void send(String message) throws IOException {
        if (!enabled()) {
            throw new IllegalStateException(VARIABLE + " is not set");
        }
        byte[] address = sunPath(socket);
        byte[] payload = message.getBytes(StandardCharsets.UTF_8);
        int rc = Native.sendDatagram(address, payload);
        if (rc < 0) {
            throw new IOException(VARIABLE + "=" + socket + ": " + Native.describe(-rc));
        }
        if (rc != payload.length) {
            throw new IOException(VARIABLE + "=" + socket + ": sent " + rc + " of " + payload.length + " bytes");
        }
    }

    /**
     * The bytes of {@code sun_path} for {@code socket} and, by their count, the address length: a path with its
     * terminating NUL, or an abstract name after its leading NUL (no terminator: every byte counts).
     */
    static byte[] sunPath(String socket) throws IOException {
        Objects.requireNonNull(socket, "socket");
        byte[] name;
        if (socket.startsWith("/")) {
            byte[] path = socket.getBytes(StandardCharsets.UTF_8);
            name = new byte[path.length + 1];
            System.arraycopy(path, 0, name, 0, path.length);
        } else if (socket.startsWith("@") && socket.length() > 1) {
            byte[] abstractName = socket.substring(1).getBytes(StandardCharsets.UTF_8);
            name = new byte[abstractName.length + 1];
            System.arraycopy(abstractName, 0, name, 1, abstractName.length);
        } else {
            throw new IOException(VARIABLE + "=" + socket + ": neither a socket path ('/...') nor an abstract"
                    + " socket name ('@...')");
        }
        if (name.length > SUN_PATH_SIZE) {
            throw new IOException(VARIABLE + "=" + socket + ": longer than an AF_UNIX address can be ("
                    + (SUN_PATH_SIZE - 1) + " bytes)");
        }
        return name;
    }

    private static String oneLine(String status) {
        return status.replace('\n', ' ');
    }

    /** The libc calls, bound on first use only: a gateway that systemd did not start never links them. */
    private static final class Native {
        private static final int AF_UNIX = 1;
        private static final int SOCK_DGRAM = 2;
        private static final int SOCK_CLOEXEC = 0x80000;
        /** No SIGPIPE, should the receiver be gone ({@code sys/socket.h}). */
        private static final int MSG_NOSIGNAL = 0x4000;
        private static final int CLOCK_MONOTONIC = 1;

        private static final MethodHandle SOCKET = ErrnoDowncall.bind("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle SENDTO = ErrnoDowncall.bind("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle CLOSE = ErrnoDowncall.bind("close",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        private static final MethodHandle CLOCK_GETTIME = ErrnoDowncall.bind("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

        private Native() {
        }

        /** {@code socket}, {@code sendto} {@code payload} to the {@code sun_path} bytes, {@code close}: bytes sent or -errno. */
        static int sendDatagram(byte[] sunPath, byte[] payload) {
            int fd = ErrnoDowncall.call((arena, state) -> (int) SOCKET.invokeExact(state, AF_UNIX,
                    SOCK_DGRAM | SOCK_CLOEXEC, 0));
            if (fd < 0) {
                return fd;
            }
            try {
                return ErrnoDowncall.call((arena, state) -> {
                    MemorySegment address = arena.allocate(SUN_PATH_OFFSET + SUN_PATH_SIZE);
                    address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                    MemorySegment.copy(sunPath, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, sunPath.length);
                    MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, payload);
                    return (int) (long) SENDTO.invokeExact(state, fd, data, (long) payload.length, MSG_NOSIGNAL,
                            address, SUN_PATH_OFFSET + sunPath.length);
                });
            } finally {
                ErrnoDowncall.call((arena, state) -> (int) CLOSE.invokeExact(state, fd));
            }
        }

        /** {@code CLOCK_MONOTONIC} in microseconds. */
        static long monotonicMicros() {
            long[] micros = new long[1];
            int rc = ErrnoDowncall.call((arena, state) -> {
                MemorySegment timespec = arena.allocate(JAVA_LONG, 2); // tv_sec, tv_nsec (64-bit Linux)
                int result = (int) CLOCK_GETTIME.invokeExact(state, CLOCK_MONOTONIC, timespec);
                micros[0] = timespec.getAtIndex(JAVA_LONG, 0) * 1_000_000 + timespec.getAtIndex(JAVA_LONG, 1) / 1_000;
                return result;
            });
            if (rc < 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed: " + describe(-rc));
            }
            return micros[0];
        }

        /** The errno values a notification meets, by name. */
        static String describe(int errno) {
            return switch (errno) {
                case 2 -> "ENOENT (no such socket)";
                case 11 -> "EAGAIN (the receiver's queue is full)";
                case 13 -> "EACCES (permission denied)";
                case 91 -> "EPROTOTYPE (not a datagram socket)";
                case 111 -> "ECONNREFUSED (nobody listens on the socket)";
                default -> "errno " + errno;
            };
        }
    }
}
