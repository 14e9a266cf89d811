package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Datagrams of one batch that leave as a single UDP GSO send ({@code UDP_SEGMENT}): consecutive datagrams to the
 * same endpoint, each as long as the first except a shorter last one, lying back to back in one buffer. That is
 * what the engine makes of the segments of a TUN super-packet: the TUN channel lays them out so that each framed
 * message ends where the next begins ({@code TunChannelConfig#setSegmentTailroom}), and the engine seals them in
 * place. The kernel then cuts the send into datagrams of {@code gso_size} bytes, so what leaves on the wire is
 * exactly what one send per datagram would have sent.
 *
 * <p>Zero copy: the send is one retained slice of the buffer the segments were cut from (the {@code source} given
 * with the first datagram: the buffer {@code TunChannel#firingSegmentsOf} names while the read is fired, or, for a
 * datagram a crypto worker sealed and the loop sends after that read, the one {@link CryptoWorkers#sourceOf} kept
 * for its job), and the datagrams' own slices are released. Without a source (a keepalive, a packet that waited for
 * a handshake) the datagrams are copied into one buffer for the send: one copy of up to 64 KiB costs much less than
 * a send per datagram. A datagram that does not continue the batch (another endpoint, too long, the batch full; with
 * a source, not the next one in it) ends it; the caller then writes the batch and starts a new one.
 *
 * <p>Limits, from the kernel ({@code net/ipv4/udp.c} {@code udp_send_skb}): at most {@value #MAX_SEGMENTS}
 * segments (UDP_MAX_SEGMENTS before Linux 6.11) and {@value #MAX_BYTES} bytes (the largest IPv4 UDP payload).
 *
 * <p>Engine event loop only; no allocation (the slices and the copy's buffer are pooled).
 */
final class GsoBatch {
    static final int MAX_SEGMENTS = 64;
    static final int MAX_BYTES = 65_507;

    private final ByteBuf[] parts = new ByteBuf[MAX_SEGMENTS];
    private int count;
    private InetSocketAddress recipient;
    private ByteBuf source;
    private int sourceOffset;
    private long nextAddress;
    private int segmentSize;
    private int totalBytes;
    private boolean closed;

    boolean isEmpty() {
        return count == 0;
    }

    /** Whether the batch leaves as a slice of its source (else its datagrams are copied into one buffer). */
    boolean zeroCopy() {
        return source != null;
    }

    /** Datagrams in the batch. */
    int size() {
        return count;
    }

    /**
     * Adds {@code datagram} if it continues the batch. Takes ownership of it when it returns true.
     */
    boolean tryAppend(ByteBuf datagram, InetSocketAddress to) {
        if (count == 0 || closed || count == MAX_SEGMENTS || !to.equals(recipient)) {
            return false;
        }
        int length = datagram.readableBytes();
        if (length > segmentSize || totalBytes + length > MAX_BYTES) {
            return false;
        }
        if (source != null) { // zero copy: only the next datagram of the source buffer continues the slice
            if (!datagram.hasMemoryAddress() || datagram.memoryAddress() + datagram.readerIndex() != nextAddress
                    || sourceOffset + totalBytes + length > source.capacity()) { // adjacent memory, another buffer
                return false;
            }
            nextAddress += length;
        }
        parts[count++] = datagram;
        totalBytes += length;
        closed = length < segmentSize;
        return true;
    }

    /**
     * Starts a batch with {@code datagram} (the batch must be empty). Takes ownership of it. {@code source} is the
     * buffer it may be a slice of (or null): later datagrams join only while they lie in it, adjacent.
     */
    void start(ByteBuf datagram, InetSocketAddress to, ByteBuf source) {
        parts[0] = datagram;
        count = 1;
        recipient = to;
        segmentSize = datagram.readableBytes();
        totalBytes = segmentSize;
        closed = false;
        this.source = null;
        if (source != null && liesIn(datagram, source)) {
            long address = datagram.memoryAddress() + datagram.readerIndex();
            this.source = source;
            sourceOffset = (int) (address - source.memoryAddress());
            nextAddress = address + segmentSize;
        }
    }

    /** Whether the readable bytes of {@code datagram} lie within {@code source}'s memory (both native). */
    static boolean liesIn(ByteBuf datagram, ByteBuf source) {
        if (!datagram.hasMemoryAddress() || !source.hasMemoryAddress()) {
            return false;
        }
        long offset = datagram.memoryAddress() + datagram.readerIndex() - source.memoryAddress();
        return offset >= 0 && offset + datagram.readableBytes() <= source.capacity();
    }

    /**
     * Writes the batch to {@code udp} without flushing, as one datagram or one segmented send, and empties it.
     * The source buffer is still referenced by the datagrams held, so the slice over them is safe to take.
     *
     * @return the bytes written
     */
    int writeTo(Channel udp) {
        int bytes = totalBytes;
        if (count == 1) {
            udp.write(new DatagramPacket(parts[0], recipient), udp.voidPromise());
        } else {
            ByteBuf whole;
            if (source != null) {
                whole = source.retainedSlice(sourceOffset, totalBytes);
            } else {
                whole = udp.alloc().directBuffer(totalBytes);
                for (int i = 0; i < count; i++) {
                    whole.writeBytes(parts[i], parts[i].readerIndex(), parts[i].readableBytes());
                }
            }
            for (int i = 0; i < count; i++) {
                parts[i].release();
            }
            udp.write(new SegmentedDatagramPacket(whole, segmentSize, recipient), udp.voidPromise());
        }
        clear();
        return bytes;
    }

    /** Releases what the batch holds (shutdown). */
    void discard() {
        for (int i = 0; i < count; i++) {
            parts[i].release();
        }
        clear();
    }

    private void clear() {
        Arrays.fill(parts, 0, count, null);
        count = 0;
        recipient = null;
        source = null;
        totalBytes = 0;
    }
}
