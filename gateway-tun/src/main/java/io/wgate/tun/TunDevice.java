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
     * queue (offloads are per interface), adding the UDP segmentation offloads when asked for and accepted, and
     * returns null, having closed that queue, if the kernel refuses the TCP offloads.
     */
    private static TunDevice openQueues(String name, TunOptions options, OffloadSetter setOffload)
            throws IOException {
        boolean offload = setOffload != null;
        int flags = options.ifreqFlags();
        List<FileDescriptor> fds = new ArrayList<>(options.queues());
        String actualName = name;
        int offloads = 0;
        try {
            for (int i = 0; i < options.queues(); i++) {
                OpenedQueue opened = openQueue(actualName, flags);
                FileDescriptor fd = opened.fd();
                fds.add(fd);
                actualName = opened.name();
                if (offload && i == 0) {
                    offloads = setOffloads(fd, actualName, options, setOffload);
                    if (offloads < 0) {
                        fd.close();
                        return null;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            for (FileDescriptor fd : fds) {
                closeQuietly(fd, e);
            }
            throw e;
        }
        List<TunQueue> queues = new ArrayList<>(fds.size());
        for (int i = 0; i < fds.size(); i++) {
            queues.add(new TunQueue(actualName, i, fds.get(i), offload, offloads));
        }
        LOG.log(Level.INFO, "opened TUN interface {0} with {1} queue(s){2}", actualName, queues.size(),
                offload ? ", vnet header and offloads " + describeOffloads(offloads) : "");
        TunOptions opened = offload ? options.withUdpSegmentation((offloads & TunOptions.udpOffloads()) != 0)
                : options.withUdpSegmentation(false);
        return new TunDevice(actualName, opened, queues);
    }

    /**
     * TUNSETOFFLOAD on the first queue: the TCP offloads, then (if asked for) the UDP ones on top.
     *
     * @return the offloads set, or -1 (logged) if the kernel refused the TCP offloads
     */
    private static int setOffloads(FileDescriptor fd, String name, TunOptions options, OffloadSetter setOffload) {
        int tcp = TunOptions.offloads();
        int rc = setOffload.set(fd.intValue(), tcp);
        if (rc < 0) {
            LOG.log(Level.WARNING, "TUN interface {0}: TUNSETOFFLOAD(CSUM|TSO4|TSO6) failed ({1});"
                    + " continuing without the vnet header and offloads", name, Errno.describe(-rc));
            return -1;
        }
        if (!options.udpSegmentation()) {
            return tcp;
        }
        int all = tcp | TunOptions.udpOffloads();
        rc = setOffload.set(fd.intValue(), all);
        if (rc < 0) {
            LOG.log(Level.INFO, "TUN interface {0}: no UDP segmentation offload (TUNSETOFFLOAD USO4|USO6: {1};"
                    + " Linux 6.2 or later has it); UDP goes packet by packet", name, Errno.describe(-rc));
            setOffload.set(fd.intValue(), tcp); // a refused call changes nothing; set again to be sure
            return tcp;
        }
        return all;
    }

    /** {@code TUN_F_*} flags as their names, e.g. {@code CSUM|TSO4|TSO6|USO4|USO6}. */
    static String describeOffloads(int offloads) {
        StringBuilder s = new StringBuilder();
        String[] names = {"CSUM", "TSO4", "TSO6", "TSO_ECN", "UFO", "USO4", "USO6"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((offloads & (1 << bit)) != 0) {
                s.append(s.isEmpty() ? "" : "|").append(names[bit]);
            }
        }
        return s.isEmpty() ? "none" : s.toString();
    }

    /** A queue's fd and the interface name the kernel reported for it. */
    private record OpenedQueue(FileDescriptor fd, String name) {
    }

    private static OpenedQueue openQueue(String name, int flags) throws TunException {
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
            return new OpenedQueue(fd, Ifreq.name(ifr));
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
