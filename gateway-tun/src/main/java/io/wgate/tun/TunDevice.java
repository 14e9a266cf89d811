package io.wgate.tun;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a Linux TUN interface: {@code open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)} and
 * {@code ioctl(TUNSETIFF)} with {@code IFF_TUN | IFF_NO_PI} (plus {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD}
 * when {@link TunOptions#vnetHeader()} asks for offloads), once per queue, through the FFM API.
 *
 * <p>The interface is created in the network namespace of the calling thread and is not persistent: it disappears
 * when its last queue is closed. Address, MTU and link state are configured outside (ip(8) or netlink).
 *
 * <pre>{@code
 * TunDevice device = TunDevice.open("wg0");          // or open(null) for a kernel-chosen tunN
 * TunChannel channel = new TunChannel(device);       // the channel now owns the single queue
 * }</pre>
 */
public final class TunDevice implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TunDevice.class.getName());

    /** The TUN clone device. */
    public static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final TunOptions options;
    private final List<TunQueue> queues;

    private TunDevice(String name, TunOptions options, List<TunQueue> queues) {
        this.name = name;
        this.options = options;
        this.queues = List.copyOf(queues);
    }

    /** Opens a single-queue TUN interface; see {@link #open(String, TunOptions)}. */
    public static TunDevice open(String name) throws IOException {
        return open(name, TunOptions.DEFAULT);
    }

    /**
     * Creates (or attaches to an unattached persistent) TUN interface {@code name} in the calling thread's network
     * namespace and opens {@code options.queues()} queues on it.
     *
     * @param name    interface name (see {@link TunAddress#checkName}), or null to let the kernel pick {@code tunN}
     * @param options queue count and flags
     * @throws TunException                  with an explanation (missing CAP_NET_ADMIN, missing /dev/net/tun,
     *                                       name in use) if the kernel refuses
     * @throws UnsupportedOperationException if {@code options} asks for something not implemented yet
     * @throws IllegalArgumentException      if {@code name} is invalid
     */
    public static TunDevice open(String name, TunOptions options) throws IOException {
        return open(name, options, (fd, offloads) -> Libc.ioctl(fd, IfTun.TUNSETOFFLOAD, offloads));
    }

    /** {@code ioctl(fd, TUNSETOFFLOAD, offloads)}: 0 or {@code -errno}; replaced in tests to see the fallback. */
    @FunctionalInterface
    interface OffloadSetter {
        int set(int fd, int offloads);
    }

    static TunDevice open(String name, TunOptions options, OffloadSetter setOffload) throws IOException {
        if (name != null) {
            TunAddress.checkName(name);
        }
        Epoll.ensureAvailability(); // Netty's FileDescriptor natives live in the epoll library
        if (options.vnetHeader()) {
            TunDevice device = openQueues(name, options, setOffload);
            if (device != null) {
                return device;
            }
            // one line, logged by openQueues; the interface is gone again (its only fd was closed)
        }
        return openQueues(name, options.withVnetHeader(false), null);
    }

    /**
     * Opens all queues with {@code options}' flags; with {@code setOffload}, sets TUNSETOFFLOAD after the first
     * queue (offloads are per interface) and returns null, having closed that queue, if the kernel refuses them.
     */
    private static TunDevice openQueues(String name, TunOptions options, OffloadSetter setOffload)
            throws IOException {
        boolean offload = setOffload != null;
        int flags = options.ifreqFlags();
        List<TunQueue> opened = new ArrayList<>(options.queues());
        String actualName = name;
        try {
            for (int i = 0; i < options.queues(); i++) {
                TunQueue queue = openQueue(actualName, flags, i, offload);
                opened.add(queue);
                actualName = queue.name();
                if (offload && i == 0) {
                    int rc = setOffload.set(queue.fd().intValue(), TunOptions.offloads());
                    if (rc < 0) {
                        LOG.log(Level.WARNING, "TUN interface {0}: TUNSETOFFLOAD(CSUM|TSO4|TSO6) failed ({1});"
                                + " continuing without the vnet header and offloads", actualName, Errno.describe(-rc));
                        queue.close();
                        return null;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            for (TunQueue queue : opened) {
                closeQuietly(queue.fd(), e);
            }
            throw e;
        }
        LOG.log(Level.INFO, "opened TUN interface {0} with {1} queue(s){2}", actualName, opened.size(),
                offload ? ", vnet header and TCP/checksum offloads" : "");
        return new TunDevice(actualName, options, opened);
    }

    private static TunQueue openQueue(String name, int flags, int index, boolean vnetHeader) throws TunException {
        int rawFd = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (rawFd < 0) {
            throw TunException.openFailed(CLONE_DEVICE, -rawFd);
        }
        FileDescriptor fd = new FileDescriptor(rawFd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, name, flags);
            int rc = Libc.ioctl(rawFd, IfTun.TUNSETIFF, ifr);
            if (rc < 0) {
                throw TunException.setIffFailed(name, flags, -rc);
            }
            return new TunQueue(Ifreq.name(ifr), index, fd, vnetHeader);
        } catch (TunException | RuntimeException e) {
            closeQuietly(fd, e);
            throw e;
        }
    }

    private static void closeQuietly(FileDescriptor fd, Exception primary) {
        try {
            fd.close();
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    /** The interface name assigned by the kernel (equal to the requested one when a name was given). */
    public String name() {
        return name;
    }

    /**
     * The options the device was opened with: {@code vnetHeader} is false if it was asked for but the kernel
     * refused the offloads.
     */
    public TunOptions options() {
        return options;
    }

    /** All queues, in opening order. */
    public List<TunQueue> queues() {
        return queues;
    }

    /** Queue {@code index}, from 0. */
    public TunQueue queue(int index) {
        return queues.get(index);
    }

    /**
     * Closes every queue not yet handed to a {@link TunChannel}; claimed queues are closed by their channels.
     * The interface disappears once all its queues are closed.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (TunQueue queue : queues) {
            if (queue.isClaimed()) {
                continue;
            }
            try {
                queue.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + ", queues=" + queues.size() + "]";
    }
}
