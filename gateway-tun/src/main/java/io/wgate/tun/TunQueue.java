package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open file descriptor of a TUN interface: the whole interface for a single-queue device, one of several for
 * a multi-queue device.
 *
 * <p>Each read returns one IP packet and each write sends one. The fd is non-blocking and close-on-exec. On a
 * queue with a {@linkplain #vnetHeader() vnet header} every read starts with a {@link VirtioNetHeader} (and may be
 * a GSO super-packet: {@link TunChannel} splits it), and {@link #write} puts an all-zero header in front of each
 * packet with a gathered write.
 * A queue is handed to at most one {@link TunChannel}, which then owns it; closing the last queue of a
 * non-persistent interface removes the interface.
 */
public final class TunQueue implements AutoCloseable {
    /** {@code sizeof(struct iovec)} on 64-bit Linux: base pointer and length. */
    private static final int IOVEC_BYTES = 16;

    private final String name;
    private final int index;
    private final FileDescriptor fd;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final boolean vnetHeader;
    /** The {@code TUN_F_*} offloads the kernel accepted for the interface (0 without a vnet header). */
    private final int offloads;
    /**
     * For vnet-header queues: two {@code struct iovec}s (the zero header, then the packet) followed by the
     * 10 zero bytes of the header; the writing thread fills in the second iovec. Freed by the GC, so a late write
     * can never touch freed memory.
     */
    private final MemorySegment writeVector;

    TunQueue(String name, int index, FileDescriptor fd) {
        this(name, index, fd, false);
    }

    TunQueue(String name, int index, FileDescriptor fd, boolean vnetHeader) {
        this(name, index, fd, vnetHeader, vnetHeader ? TunOptions.offloads() : 0);
    }

    TunQueue(String name, int index, FileDescriptor fd, boolean vnetHeader, int offloads) {
        this.offloads = offloads;
        this.name = name;
        this.index = index;
        this.fd = fd;
        this.vnetHeader = vnetHeader;
        if (vnetHeader) {
            writeVector = Arena.ofAuto().allocate(IOVEC_BYTES * 2 + 16, 16);
            writeVector.set(ValueLayout.JAVA_LONG, 0, writeVector.address() + IOVEC_BYTES * 2);
            writeVector.set(ValueLayout.JAVA_LONG, 8, VirtioNetHeader.LENGTH);
        } else {
            writeVector = null;
        }
    }

    /** Whether reads and writes on this queue carry a virtio_net_hdr ({@code IFF_VNET_HDR} with offloads on). */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /**
     * Whether the kernel accepted the UDP segmentation offloads ({@code TUN_F_USO4 | TUN_F_USO6}): reads may be UDP
     * super-packets, and UDP packets may be written coalesced.
     */
    public boolean udpSegmentation() {
        return (offloads & TunOptions.udpOffloads()) == TunOptions.udpOffloads();
    }

    /** The {@code TUN_F_*} offloads in effect, as {@code CSUM|TSO4|TSO6|USO4|USO6} ({@code none} without). */
    public String offloadNames() {
        return TunDevice.describeOffloads(offloads);
    }

    /** The interface name shared by all queues of the device. */
    public String name() {
        return name;
    }

    /** Position of this queue in {@link TunDevice#queues()}, from 0. */
    public int index() {
        return index;
    }

    /**
     * The file descriptor, for reads and writes through Netty's {@code FileDescriptor} methods. Owned by this
     * queue (or by the channel the queue was handed to): do not close it directly.
     */
    public FileDescriptor fd() {
        return fd;
    }

    /**
     * Reads one packet into {@code buf}'s memory at {@code index}, offering {@code limit - index} bytes; the
     * caller sets the indices. On a vnet-header queue the bytes read start with the virtio_net_hdr. Borrows {@code buf}, which must be direct.
     *
     * @return the packet length (a longer packet is truncated by the kernel to the space offered), 0 if no packet
     *         is waiting (EAGAIN), -1 at end of file
     * @throws IOException with Netty's errno-carrying exception if the read fails (EBADFD: interface removed)
     */
    public int read(ByteBuf buf, int index, int limit) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd.readAddress(buf.memoryAddress(), index, limit);
        }
        ByteBuffer nio = buf.internalNioBuffer(index, limit - index);
        return fd.read(nio, nio.position(), nio.limit());
    }

    /**
     * Writes the readable bytes of {@code buf} as one packet (behind a zero virtio_net_hdr on a vnet-header
     * queue), leaving its indices alone. Borrows {@code buf}, which
     * must be direct with a single memory region ({@code hasMemoryAddress()} or one NIO buffer).
     *
     * @return the bytes written (all of them: TUN writes are whole packets), or 0 if the queue is full (EAGAIN)
     * @throws IOException with Netty's errno-carrying exception if the kernel refuses the packet or the fd
     */
    public int write(ByteBuf buf) throws IOException {
        if (vnetHeader) {
            return writeWithHeader(buf);
        }
        if (buf.hasMemoryAddress()) {
            return fd.writeAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex());
        }
        ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
        return fd.write(nio, nio.position(), nio.limit());
    }

    /** {@code writev} of the zero virtio_net_hdr and the packet; the packet length, or 0 on EAGAIN. */
    private int writeWithHeader(ByteBuf buf) throws IOException {
        int length = buf.readableBytes();
        long address;
        if (buf.hasMemoryAddress()) {
            address = buf.memoryAddress() + buf.readerIndex();
        } else {
            address = MemorySegment.ofBuffer(buf.internalNioBuffer(buf.readerIndex(), length)).address();
        }
        writeVector.set(ValueLayout.JAVA_LONG, IOVEC_BYTES, address);
        writeVector.set(ValueLayout.JAVA_LONG, IOVEC_BYTES + 8, length);
        long written = fd.writevAddresses(writeVector.address(), 2);
        return written == 0 ? 0 : length;
    }

    /**
     * {@code writev} of {@code count} prepared {@code struct iovec}s at {@code iovecs} as one packet: on a vnet-header
     * queue the first must start with the virtio_net_hdr. The memory they point at is borrowed for the call.
     *
     * @return the bytes written, or 0 if the queue is full (EAGAIN)
     * @throws IOException with Netty's errno-carrying exception if the kernel refuses the packet or the fd
     */
    long writeVector(long iovecs, int count) throws IOException {
        return fd.writevAddresses(iovecs, count);
    }

    /** Whether the fd is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Whether a {@link TunChannel} has taken ownership of this queue. */
    public boolean isClaimed() {
        return claimed.get();
    }

    /** Marks the queue as owned by a channel; false if it already was. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Closes the fd (idempotent). Prefer closing the owning channel once the queue was handed to one. */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "TunQueue[" + name + "#" + index + ", fd=" + fd.intValue() + (isOpen() ? "" : ", closed") + "]";
    }
}
