package io.wgate.tun;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * A connected {@code AF_UNIX SOCK_SEQPACKET} pair standing in for a TUN fd without privileges: like a TUN it is
 * non-blocking, keeps message boundaries (one read = one packet), reports EAGAIN when full and EOF when the peer
 * closes. {@link #queue()} wraps one end as a {@link TunQueue} for a {@link TunChannel}; the caller plays the
 * kernel's side on the other end ({@link #send}, {@link #receive}). The tests use it, and so does the gateway's
 * start rehearsal, which carries a packet through two gateways without a TUN device (the AOT cache's training run).
 * The send and receive buffer belongs to the thread that sends and receives.
 */
@SuppressWarnings("restricted")
public final class SeqPacketPair implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final MethodHandle SOCKETPAIR = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("socketpair"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private final TunQueue queue;
    private final FileDescriptor peer;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(70_000);

    SeqPacketPair(String name) {
        this(name, false);
    }

    /** With {@code vnetHeader}, the queue behaves as one opened with IFF_VNET_HDR and the TCP offloads. */
    SeqPacketPair(String name, boolean vnetHeader) {
        this(name, vnetHeader, vnetHeader ? TunOptions.offloads() : 0);
    }

    /**
     * A queue as {@link TunDevice#open(String, TunOptions)} opens it with {@code options} on a kernel that accepts
     * every offload asked for (one queue only).
     */
    public SeqPacketPair(String name, TunOptions options) {
        this(name, options.vnetHeader(), !options.vnetHeader() ? 0
                : TunOptions.offloads() | (options.udpSegmentation() ? TunOptions.udpOffloads() : 0));
    }

    /** A vnet-header queue whose kernel accepted {@code offloads} (TUN_F_* flags, e.g. with USO). */
    SeqPacketPair(String name, boolean vnetHeader, int offloads) {
        Epoll.ensureAvailability();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int rc = (int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
            if (rc != 0) {
                throw new IllegalStateException("socketpair failed");
            }
            queue = new TunQueue(name, 0, new FileDescriptor(fds.getAtIndex(ValueLayout.JAVA_INT, 0)),
                    vnetHeader, offloads);
            peer = new FileDescriptor(fds.getAtIndex(ValueLayout.JAVA_INT, 1));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The end that stands in for the TUN fd. */
    public TunQueue queue() {
        return queue;
    }

    FileDescriptor peer() {
        return peer;
    }

    /** Sends one packet from the peer end, as the kernel hands it to a TUN reader; fails if the socket is full. */
    public void send(byte[] packet) throws IOException {
        scratch.clear().put(packet).flip();
        int n = peer.write(scratch, 0, packet.length);
        if (n != packet.length) {
            throw new IOException("peer write returned " + n + " for " + packet.length + " bytes");
        }
    }

    /**
     * Sends one IP packet from the peer end as the kernel hands a plain packet (no offload) to a TUN reader: behind
     * a zero vnet header if the queue has one.
     */
    public void sendPacket(byte[] packet) throws IOException {
        if (!queue.vnetHeader()) {
            send(packet);
            return;
        }
        byte[] framed = new byte[VirtioNetHeader.LENGTH + packet.length]; // flags 0, GSO_NONE
        System.arraycopy(packet, 0, framed, VirtioNetHeader.LENGTH, packet.length);
        send(framed);
    }

    /**
     * Receives what the channel wrote, as {@link #receive}, without the vnet header if the queue has one (the
     * header is not checked: a written packet may carry checksum or segmentation offload fields).
     */
    public byte[] receivePacket(Duration timeout) throws IOException, InterruptedException {
        byte[] written = receive(timeout);
        if (written == null || !queue.vnetHeader()) {
            return written;
        }
        if (written.length < VirtioNetHeader.LENGTH) {
            throw new IOException("a write of " + written.length + " bytes, shorter than the vnet header");
        }
        return Arrays.copyOfRange(written, VirtioNetHeader.LENGTH, written.length);
    }

    /** Receives one packet at the peer end, waiting up to {@code timeout}; null if none arrived. */
    public byte[] receive(Duration timeout) throws IOException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        do {
            int n = peer.read(scratch, 0, scratch.capacity());
            if (n > 0) {
                byte[] packet = new byte[n];
                scratch.get(0, packet);
                return packet;
            }
            if (n < 0) {
                throw new IOException("peer saw EOF");
            }
            Thread.sleep(1);
        } while (System.nanoTime() < deadlineNanos);
        return null;
    }

    /** Closes the peer end, which the channel sees as EOF. */
    void closePeer() throws IOException {
        peer.close();
    }

    @Override
    public void close() throws IOException {
        queue.close();
        peer.close();
    }
}
