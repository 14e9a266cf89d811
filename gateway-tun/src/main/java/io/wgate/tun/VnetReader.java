package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import java.util.function.IntUnaryOperator;

/**
 * The read side of a vnet-header queue: each read (a {@link VirtioNetHeader} and up to 64 KiB of packet) lands in
 * one scratch buffer, and {@link GsoSplitter} turns it into the IP packets the pipeline receives.
 *
 * <ul>
 *   <li>A plain packet is copied into the next slot of a buffer shared by the plain packets of the read burst
 *       ({@code headroom}, packet, {@code segmentTailroom(packet)}), and fired as a retained slice of its slot.
 *   <li>The segments of a super-packet are written back to back into one buffer, segment {@code i} at
 *       {@code headroom + segment + segmentTailroom(segment)} bytes after segment {@code i - 1}, and each is fired
 *       as a retained slice of exactly that slot (reader index at the headroom). Framing a segment in place within
 *       its slot then leaves the framed messages adjacent in memory (see
 *       {@link TunChannelConfig#setSegmentTailroom}). The slices share the buffer, which is freed when the last is
 *       released.
 * </ul>
 *
 * <p>Event loop of the channel only; one per channel. No allocation per packet beyond pooled buffers and slices.
 */
final class VnetReader {
    /**
     * Bytes offered to each read: the header, the largest IPv6 packet (40 + 65535) and one spare byte, so a read
     * that fills it was truncated.
     */
    static final int READ_SIZE = VirtioNetHeader.LENGTH + GsoSplitter.IPV6_HEADER + 65535 + 1;
    /** Size of the buffer plain packets of one read burst are laid out in: a UDP GSO send's worth. */
    static final int PLAIN_BATCH_BYTES = 64 << 10;

    private final GsoSplitter splitter = new GsoSplitter();
    private final TunCounters counters;
    /** Where reads land, from the first read until {@link #close()}. */
    private ByteBuf scratch;
    /** Where the plain packets of the current read burst go, one slot after another; null between bursts. */
    private ByteBuf plainBatch;
    private int plainOffset;
    private int delivered;
    /** The buffer whose segments are being fired, while they are; else null. */
    private ByteBuf firing;

    VnetReader(TunCounters counters) {
        this.counters = counters;
    }

    /**
     * Reads once from {@code queue} and fires the packets it holds into {@code pipeline}.
     *
     * @return the read's result: bytes read (delivered or dropped and counted), 0 when nothing was waiting, -1 at
     *         end of file; the number of packets fired is added to {@link #delivered()}
     * @throws Exception when the read fails; nothing read is leaked
     */
    int readOnce(TunQueue queue, TunChannelConfig config, ChannelPipeline pipeline) throws Exception {
        if (scratch == null) {
            scratch = config.getAllocator().directBuffer(READ_SIZE);
        }
        int result = queue.read(scratch, 0, READ_SIZE);
        if (result <= 0) {
            return result;
        }
        TunDropReason drop = result >= READ_SIZE ? TunDropReason.OVERSIZED_READ
                : splitter.prepare(scratch, 0, result, config.maxPacketSize());
        if (drop != null) {
            counters.onDrop(drop, 1);
            return result;
        }
        try {
            if (splitter.isGso()) {
                counters.onGsoRead(splitter.isIpv4(), splitter.isUdp());
                fireSegments(config, pipeline);
            } else {
                if (splitter.needsChecksum()) {
                    counters.onChecksumCompleted();
                }
                firePlain(config, pipeline);
            }
        } finally {
            splitter.clear();
        }
        return result;
    }

    /** Packets fired since the last {@link #resetDelivered()}. */
    int delivered() {
        return delivered;
    }

    void resetDelivered() {
        delivered = 0;
    }

    /**
     * A plain packet goes into the next slot of {@link #plainBatch}, right behind the previous packet of this read
     * burst: consecutive packets of one size (a UDP flow, a run of ACKs) then lie back to back like the segments of
     * a super-packet, and can leave as one UDP GSO send too.
     */
    private void firePlain(TunChannelConfig config, ChannelPipeline pipeline) {
        int headroom = config.getHeadroom();
        int length = splitter.segmentLength(0);
        int size = slotSize(headroom, length, config.segmentTailroomFunction());
        if (plainBatch == null || plainOffset + size > plainBatch.capacity()) {
            endOfBurst();
            plainBatch = config.getAllocator().directBuffer(Math.max(PLAIN_BATCH_BYTES, size));
        }
        splitter.writeSegment(0, plainBatch, plainOffset + headroom);
        ByteBuf packet = plainBatch.retainedSlice(plainOffset, size);
        packet.setIndex(headroom, headroom + length);
        plainOffset += size;
        firing = plainBatch;
        try {
            fire(pipeline, packet, length);
        } finally {
            firing = null;
        }
    }

    /**
     * The read burst is over: the plain packets' buffer is let go (the packets still hold it) so the next burst
     * starts a new one and nothing pins it longer than its packets live.
     */
    void endOfBurst() {
        ByteBuf batch = plainBatch;
        if (batch != null) {
            plainBatch = null;
            plainOffset = 0;
            batch.release();
        }
    }

    private void fireSegments(TunChannelConfig config, ChannelPipeline pipeline) {
        int headroom = config.getHeadroom();
        IntUnaryOperator tailroom = config.segmentTailroomFunction();
        ByteBuf batch = segmentsInSlots(splitter, config.getAllocator(), headroom, tailroom);
        try {
            firing = batch;
            int slot = 0;
            for (int i = 0; i < splitter.segmentCount(); i++) {
                int length = splitter.segmentLength(i);
                int size = slotSize(headroom, length, tailroom);
                ByteBuf segment = batch.retainedSlice(slot, size);
                segment.setIndex(headroom, headroom + length);
                slot += size;
                fire(pipeline, segment, length);
            }
        } finally {
            firing = null;
            batch.release();
        }
    }

    /**
     * The prepared segments of {@code splitter} written back to back into one new buffer from {@code alloc}, segment
     * {@code i} at {@code headroom} bytes into its slot of {@code headroom + length + tailroom(length)} bytes. The
     * caller owns the buffer.
     */
    static ByteBuf segmentsInSlots(GsoSplitter splitter, ByteBufAllocator alloc, int headroom,
                                   IntUnaryOperator tailroom) {
        int segments = splitter.segmentCount();
        int total = 0;
        for (int i = 0; i < segments; i++) {
            total += slotSize(headroom, splitter.segmentLength(i), tailroom);
        }
        ByteBuf batch = alloc.directBuffer(total);
        try {
            int slot = 0;
            for (int i = 0; i < segments; i++) {
                splitter.writeSegment(i, batch, slot + headroom);
                slot += slotSize(headroom, splitter.segmentLength(i), tailroom);
            }
        } catch (Throwable t) {
            batch.release();
            throw t;
        }
        return batch;
    }

    /** Bytes of the slot of a segment of {@code length} bytes. */
    static int slotSize(int headroom, int length, IntUnaryOperator tailroom) {
        int room = tailroom.applyAsInt(length);
        if (room < 0 || room > TunChannelConfig.MAX_ROOM) {
            throw new IllegalStateException("segment tailroom for " + length + " bytes is " + room
                    + "; it must be 0 to " + TunChannelConfig.MAX_ROOM);
        }
        return headroom + length + room;
    }

    /** See {@link TunChannel#firingSegmentsOf()}. */
    ByteBuf firingSegmentsOf() {
        return firing;
    }

    private void fire(ChannelPipeline pipeline, ByteBuf packet, int length) {
        counters.onPacketRead(length);
        delivered++;
        pipeline.fireChannelRead(packet);
    }

    /** Releases the scratch buffer and the current burst's buffer. */
    void close() {
        endOfBurst();
        ByteBuf buffer = scratch;
        if (buffer != null) {
            scratch = null;
            buffer.release();
        }
    }
}
