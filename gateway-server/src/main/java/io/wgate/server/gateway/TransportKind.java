package io.wgate.server.gateway;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Netty's native transport for the UDP socket: epoll (the default, works in containers with the
 * default seccomp profile) or io_uring (opt-in). The TUN device always runs on an epoll loop.
 */
public enum TransportKind {
    EPOLL("epoll"),
    IO_URING("io_uring");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses {@code epoll} or {@code io_uring} (also {@code iouring}, {@code io-uring}). */
    public static TransportKind parse(String text) {
        String normalized = text.toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (normalized) {
            case "epoll" -> EPOLL;
            case "io_uring", "iouring" -> IO_URING;
            default -> throw new IllegalArgumentException("unknown transport '" + text + "': use epoll or io_uring");
        };
    }

    /** Throws a clear error when this transport cannot run here. */
    public void ensureAvailable() {
        Throwable cause = this == EPOLL ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException("the " + label + " transport is not available on this host: "
                    + cause.getMessage()
                    + (this == IO_URING ? " (container runtimes block io_uring by default; use --transport epoll)" : ""),
                    cause);
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
    }

    MultiThreadIoEventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory());
    }

    Supplier<DatagramChannel> datagramChannelFactory() {
        return this == EPOLL ? EpollDatagramChannel::new : IoUringDatagramChannel::new;
    }
}
