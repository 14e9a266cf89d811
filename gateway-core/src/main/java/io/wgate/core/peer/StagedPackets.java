package io.wgate.core.peer;

import io.netty.buffer.ByteBuf;
import io.wgate.core.Protocol;
import java.util.Objects;

/**
 * Bounded FIFO of outbound tunnel packets that wait for a usable session of one peer (kernel {@code send.c} and
 * wireguard-go {@code device/send.go}:
 * staged while the handshake runs, flushed once it completes, dropped when it gives up). When full the oldest packet
 * is dropped, as in the kernel ({@code send.c wg_packet_send_staged_packets}, {@code MAX_STAGED_PACKETS}).
 *
 * <p>A ring over a fixed array: {@link #add} and {@link #poll} allocate nothing. The queue owns the packets it holds
 * and releases them on overflow and {@link #clear}. Not thread-safe: owned by the engine's thread.
 */
public final class StagedPackets {

    /** Kernel {@code MAX_STAGED_PACKETS}: packets kept per peer while no session is usable. */
    public static final int MAX_STAGED_PACKETS = Protocol.MAX_STAGED_PACKETS;

    private final ByteBuf[] ring;
    private int head;
    private int size;

    /** An empty queue of at most {@code capacity} packets. */
    public StagedPackets(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        ring = new ByteBuf[capacity];
    }

    /**
     * Appends {@code packet}. <b>Takes ownership</b> of it. When the queue is full, the oldest packet is released to
     * make room.
     *
     * @return {@code true} if a packet was dropped (the caller counts it), {@code false} otherwise
     */
    public boolean add(ByteBuf packet) {
        Objects.requireNonNull(packet, "packet");
        boolean dropped = false;
        if (size == ring.length) {
            ByteBuf oldest = ring[head];
            ring[head] = null;
            head = next(head);
            size--;
            oldest.release();
            dropped = true;
        }
        ring[index(size)] = packet;
        size++;
        return dropped;
    }

    /**
     * Removes the oldest packet. The caller <b>takes ownership</b> of it and must release it or pass it on.
     *
     * @return the packet, or {@code null} when empty
     */
    public ByteBuf poll() {
        if (size == 0) {
            return null;
        }
        ByteBuf packet = ring[head];
        ring[head] = null;
        head = next(head);
        size--;
        return packet;
    }

    /** Packets waiting. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The fixed capacity given at construction. */
    public int capacity() {
        return ring.length;
    }

    /**
     * Releases every waiting packet (handshake gave up, peer removed, keys zeroed).
     *
     * @return how many packets were released (the caller counts them as drops)
     */
    public int clear() {
        int released = size;
        while (size > 0) {
            ByteBuf packet = ring[head];
            ring[head] = null;
            head = next(head);
            size--;
            packet.release();
        }
        head = 0;
        return released;
    }

    private int next(int i) {
        return i + 1 == ring.length ? 0 : i + 1;
    }

    private int index(int offsetFromHead) {
        int i = head + offsetFromHead;
        return i >= ring.length ? i - ring.length : i;
    }
}
