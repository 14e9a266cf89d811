package io.wgate.server.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.wgate.tun.ErrnoDowncall;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The receiving end of {@link SystemdNotify} for tests, as systemd's notification socket is: an {@code AF_UNIX
 * SOCK_DGRAM} socket bound to a path or (with a leading {@code @}) an abstract name, through the FFM API.
 */
final class NotifyReceiver implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;

    private static final MethodHandle SOCKET = ErrnoDowncall.bind("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = ErrnoDowncall.bind("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = ErrnoDowncall.bind("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = ErrnoDowncall.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final String name;
    private final int fd;

    private NotifyReceiver(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** Binds {@code name}: a path, or {@code @} and an abstract name; the value for {@code NOTIFY_SOCKET}. */
    static NotifyReceiver bind(String name) throws IOException {
        byte[] sunPath = SystemdNotify.sunPath(name);
        int fd = ErrnoDowncall.call((arena, state) -> (int) SOCKET.invokeExact(state, AF_UNIX,
                SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + -fd);
        }
        int rc = ErrnoDowncall.call((arena, state) -> {
            MemorySegment address = arena.allocate(2 + SystemdNotify.SUN_PATH_SIZE);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(sunPath, 0, address, ValueLayout.JAVA_BYTE, 2, sunPath.length);
            return (int) BIND.invokeExact(state, fd, address, 2 + sunPath.length);
        });
        if (rc < 0) {
            ErrnoDowncall.call((arena, state) -> (int) CLOSE.invokeExact(state, fd));
            throw new IOException("bind(" + name + "): errno " + -rc);
        }
        return new NotifyReceiver(name, fd);
    }

    /** What {@code NOTIFY_SOCKET} says for this socket. */
    String name() {
        return name;
    }

    /** The next datagram, waiting up to {@code timeout}; empty if none came. */
    Optional<String> receive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[][] received = new byte[1][];
            int n = ErrnoDowncall.call((arena, state) -> {
                MemorySegment buffer = arena.allocate(4096);
                int length = (int) (long) RECV.invokeExact(state, fd, buffer, 4096L, MSG_DONTWAIT);
                if (length >= 0) {
                    received[0] = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
                }
                return length;
            });
            if (n >= 0) {
                return Optional.of(new String(received[0], StandardCharsets.UTF_8));
            }
            if (n != -EAGAIN) {
                throw new IllegalStateException("recv(" + name + "): errno " + -n);
            }
            if (System.nanoTime() - deadline > 0) {
                return Optional.empty();
            }
            Thread.sleep(10);
        }
    }

    /** The next datagram within {@code timeout}, or an assertion-style failure naming what was awaited. */
    String next(Duration timeout, String what) throws InterruptedException {
        return receive(timeout).orElseThrow(() -> new AssertionError("no notification (" + what + ") on " + name
                + " within " + timeout.toSeconds() + " s"));
    }

    @Override
    public void close() throws IOException {
        ErrnoDowncall.call((arena, state) -> (int) CLOSE.invokeExact(state, fd));
        if (name.startsWith("/")) {
            Files.deleteIfExists(Path.of(name));
        }
    }
}
