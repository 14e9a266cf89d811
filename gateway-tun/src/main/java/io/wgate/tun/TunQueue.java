package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open file descriptor of a TUN interface: the whole interface for a single-queue device, one of several for
 * a multi-queue device.
 *
 * <p>Each read returns one IP packet and each write sends one. The fd is non-blocking and close-on-exec.
 * A queue is handed to at most one {@link TunChannel}, which then owns it; closing the last queue of a
 * non-persistent interface removes the interface.
 */
public final class TunQueue implements AutoCloseable {
    private final String name;
    private final int index;
    private final FileDescriptor fd;
    private final AtomicBoolean claimed = new AtomicBoolean();

    TunQueue(String name, int index, FileDescriptor fd) {
        this.name = name;
        this.index = index;
        this.fd = fd;
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
     * caller sets the indices. Borrows {@code buf}, which must be direct.
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
     * Writes the readable bytes of {@code buf} as one packet, leaving its indices alone. Borrows {@code buf}, which
     * must be direct with a single memory region ({@code hasMemoryAddress()} or one NIO buffer).
     *
     * @return the bytes written (all of them: TUN writes are whole packets), or 0 if the queue is full (EAGAIN)
     * @throws IOException with Netty's errno-carrying exception if the kernel refuses the packet or the fd
     */
    public int write(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd.writeAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex());
        }
        ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
        return fd.write(nio, nio.position(), nio.limit());
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
