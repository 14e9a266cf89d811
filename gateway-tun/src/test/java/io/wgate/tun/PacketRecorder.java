package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Pipeline handler for tests: copies each inbound packet with its buffer geometry, releases the buffer (it takes
 * ownership, as every TunChannel handler does), and records read batches and exceptions.
 */
final class PacketRecorder extends ChannelInboundHandlerAdapter {
    /**
     * One inbound packet as the handler saw it; {@code address} is the memory address of its first byte (0 when the
     * buffer has none) and {@code sliceOf} the buffer the channel named as the one it was cut from, if any.
     */
    record Packet(byte[] bytes, int readerIndex, int writableBytes, boolean direct, Thread thread, long address,
                  ByteBuf sliceOf) {
    }

    final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    private int inBatch;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            long address = buf.hasMemoryAddress() ? buf.memoryAddress() + buf.readerIndex() : 0;
            ByteBuf sliceOf = ctx.channel() instanceof TunChannel tun ? tun.firingSegmentsOf() : null;
            packets.add(new Packet(ByteBufUtil.getBytes(buf), buf.readerIndex(), buf.writableBytes(),
                    buf.isDirect(), Thread.currentThread(), address, sliceOf));
            inBatch++;
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batches.add(inBatch);
        inBatch = 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    /** Waits for the next packet matching {@code filter}, discarding others; fails after {@code timeout}. */
    Packet await(Predicate<Packet> filter, Duration timeout, String what) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long leftNanos = deadlineNanos - System.nanoTime();
            Packet packet = packets.poll(Math.max(0, leftNanos), TimeUnit.NANOSECONDS);
            if (packet == null) {
                throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms");
            }
            if (filter.test(packet)) {
                return packet;
            }
        }
    }
}
