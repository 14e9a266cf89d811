package io.wgate.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.StringUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * A Netty {@code Channel} over one TUN queue, driven by an epoll {@link IoEventLoop} without any blocked thread.
 *
 * <p><b>Inbound:</b> each message is a direct {@link ByteBuf} holding exactly one IP packet, with
 * {@code readerIndex == headroom} and at least {@code tailroom} writable bytes (see {@link TunChannelConfig}).
 * Handlers take ownership of each buffer and must release it. Up to {@code maxPacketsPerRead} packets are read
 * per EPOLLIN, each fired as {@code channelRead}, then {@code channelReadComplete} once.
 *
 * <p>On a queue with a {@linkplain TunQueue#vnetHeader() vnet header} (offloads on) each read is a
 * virtio_net_hdr and a packet of up to 64 KiB: {@link GsoSplitter} completes partial checksums and cuts TCP and UDP
 * GSO super-packets into segments ({@link VnetReader}). Every packet is still delivered with the headroom before it,
 * but as a retained slice of a buffer shared with the other packets of its read (a super-packet's segments) or of
 * its read burst (plain packets), laid out back to back with exactly
 * {@link TunChannelConfig#segmentTailroom(int)} writable bytes behind each; {@link #firingSegmentsOf()} names that
 * buffer while the packet is fired. A malformed read is dropped with its {@link TunDropReason}. The writes of such a
 * queue are coalesced ({@link GroCoalescer}) unless {@link #setWriteCoalescing} turned that off.
 *
 * <p><b>Outbound:</b> {@code write(ByteBuf)} queues one IP packet and takes ownership of the buffer (it is
 * released once written or failed); {@code flush()} writes what is queued. When the kernel says EAGAIN the packet
 * stays queued and the channel waits for EPOLLOUT. A packet the kernel rejects fails its promise and is counted as
 * {@link TunDropReason#WRITE_REJECTED}; nothing is dropped without a counter.
 *
 * <p><b>Lifecycle:</b> the channel is active from construction and is registered, not bound:
 * {@code group.register(channel)} or {@code new Bootstrap().group(group).channelFactory(() -> channel)
 * .handler(...).register()}. Closing it closes the queue's fd, which removes a non-persistent interface once its
 * last queue is closed. If the interface disappears ({@code ip link del}, EPOLLERR, EOF or EBADFD) the channel
 * fires {@code exceptionCaught} and closes itself, so the owner can shut down on {@link #closeFuture()}.
 *
 * <p><b>Integration with Netty 4.2:</b> the channel's {@code Unsafe} is the {@link EpollIoHandle}; registration
 * hands it to {@link IoEventLoop#register} and keeps the {@link IoRegistration} to submit {@link EpollIoOps}
 * (level-triggered EPOLLIN while reading, EPOLLOUT while a write is blocked, EPOLLERR always).
 */
public final class TunChannel extends AbstractChannel {
    private static final System.Logger LOG = System.getLogger(TunChannel.class.getName());
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    /** {@code EPOLLHUP} from sys/epoll.h; always reported, not exposed by {@link EpollIoOps}. */
    private static final int EPOLLHUP = 0x10;
    private static final int ERROR_EVENTS = EpollIoOps.EPOLLERR.value() | EPOLLHUP;

    private final TunQueue queue;
    private final FileDescriptor fd;
    private final TunAddress address;
    private final TunChannelConfig config;
    private final TunCounters counters = new TunCounters();
    /** Reads and splits on a vnet-header queue; loop thread only. */
    private final VnetReader vnetReader = new VnetReader(counters);
    /** Writes flushed packets, coalescing them on a vnet-header queue; loop thread only. */
    private final TunWriter writer;
    private final Runnable flushTask = () -> ((TunUnsafe) unsafe()).flush0();

    private volatile boolean active = true;
    /** Loop thread only. */
    private IoRegistration registration;
    /** Loop thread only; EPOLLERR stays in so a removed interface is noticed even while not reading. */
    private EpollIoOps interest = EpollIoOps.EPOLLERR;

    /**
     * Creates a channel that owns the only queue of {@code device}.
     *
     * @throws IllegalArgumentException if the device has several queues (use {@link #TunChannel(TunQueue)} per
     *                                  queue) or its queue is closed or owned already
     */
    public TunChannel(TunDevice device) {
        this(singleQueue(device));
    }

    /**
     * Creates a channel that takes ownership of {@code queue}: closing the channel closes the queue.
     *
     * @throws IllegalArgumentException if the queue is closed or already owned by another channel
     */
    public TunChannel(TunQueue queue) {
        super(null);
        if (!queue.isOpen()) {
            throw new IllegalArgumentException(queue + " is closed");
        }
        if (!queue.claim()) {
            throw new IllegalArgumentException(queue + " is already owned by another TunChannel");
        }
        this.queue = queue;
        this.writer = new TunWriter(queue, counters);
        this.fd = queue.fd();
        this.address = new TunAddress(queue.name());
        this.config = new TunChannelConfig(this);
    }

    private static TunQueue singleQueue(TunDevice device) {
        if (device.queues().size() != 1) {
            throw new IllegalArgumentException(device + " has " + device.queues().size()
                    + " queues; create one TunChannel per queue with new TunChannel(device.queue(i))");
        }
        return device.queue(0);
    }

    /** The queue this channel owns. */
    public TunQueue queue() {
        return queue;
    }

    /** Packet, byte and drop counters; readable from any thread. */
    public TunCounters counters() {
        return counters;
    }

    /** Packets dropped for any {@link TunDropReason}; readable from any thread. */
    public long droppedPackets() {
        return counters.droppedTotal();
    }

    @Override
    public TunChannelConfig config() {
        return config;
    }

    @Override
    public TunAddress localAddress() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return fd.isOpen();
    }

    @Override
    public boolean isActive() {
        return active && fd.isOpen();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new TunUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop ioLoop && ioLoop.isCompatible(TunUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((TunUnsafe) unsafe()).addListener(future -> {
            if (!future.isSuccess()) {
                promise.setFailure(future.cause());
                return;
            }
            registration = (IoRegistration) future.getNow();
            try {
                registration.submit(interest);
                promise.setSuccess();
            } catch (RuntimeException e) {
                registration.cancel();
                promise.setFailure(e);
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration current = registration;
        if (current != null) {
            registration = null;
            interest = EpollIoOps.EPOLLERR;
            current.cancel();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a TunChannel is attached to " + address
                + " when it is constructed; register it with an event loop instead of binding it");
    }

    @Override
    protected void doDisconnect() throws IOException {
        doClose();
    }

    @Override
    protected void doClose() throws IOException {
        boolean wasActive = active;
        active = false;
        IoRegistration current = registration;
        if (current != null) {
            current.cancel(); // runs the epoll removal on the loop if we are not on it
        }
        queue.close();
        vnetReader.close();
        if (wasActive) {
            LOG.log(Level.INFO, "closed TUN {0} queue {1}; {2}", address.name(), queue.index(), counters);
        }
    }

    @Override
    protected void doBeginRead() {
        ((TunUnsafe) unsafe()).readPending = true;
        addInterest(EpollIoOps.EPOLLIN);
    }

    /** Takes ownership of {@code msg}: returns it, a direct copy (releasing it), or throws (the caller releases). */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf buf) {
            if (buf.isDirect() && (buf.hasMemoryAddress() || buf.nioBufferCount() == 1)) {
                return buf;
            }
            int length = buf.readableBytes();
            ByteBuf direct = alloc().directBuffer(length);
            try {
                direct.writeBytes(buf, buf.readerIndex(), length);
            } catch (RuntimeException e) {
                direct.release();
                throw e;
            }
            buf.release();
            return direct;
        }
        throw new UnsupportedOperationException("a TunChannel writes ByteBufs holding one IP packet each, not "
                + StringUtil.simpleClassName(msg));
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws IOException {
        switch (writer.write(in, maxMessagesPerWrite(), address.name())) {
            case DRAINED -> removeInterest(EpollIoOps.EPOLLOUT);
            case BLOCKED -> addInterest(EpollIoOps.EPOLLOUT); // keep the packets queued until the fd is writable
            case BUDGET_SPENT -> eventLoop().execute(flushTask); // let the loop's other channels run, then continue
        }
    }

    /**
     * While the segments of a super-packet are being fired (inside {@code channelRead} on this channel's event
     * loop), the buffer they are slices of; null at any other time or on another thread. A handler that passes
     * adjacent segments on (framed in place, see {@link TunChannelConfig#setSegmentTailroom}) can cover several
     * with one {@code retainedSlice} of this buffer, e.g. for one UDP GSO send: a segment lies in it exactly when
     * its memory address is inside the buffer's. Borrowed: retain what is kept beyond the call.
     */
    public ByteBuf firingSegmentsOf() {
        return isRegistered() && eventLoop().inEventLoop() ? vnetReader.firingSegmentsOf() : null;
    }

    /** The writer, for tests in this package. */
    TunWriter writer() {
        return writer;
    }

    /**
     * Whether flushed packets are coalesced into GSO super-packets before they are written (vnet-header queues
     * only, where it is on by default; see {@link GroCoalescer}). On the channel's event loop.
     */
    public boolean isWriteCoalescing() {
        return writer.coalescing();
    }

    /** Turns write coalescing on or off (it stays off without a vnet header). On the channel's event loop. */
    public void setWriteCoalescing(boolean on) {
        writer.setCoalescing(on);
    }

    /**
     * The offloads in effect, for logs and status: e.g. {@code tso tcp-coalescing udp-coalescing uso}, or
     * {@code none}. On the channel's event loop.
     */
    public String offloadSummary() {
        if (!queue.vnetHeader()) {
            return "none";
        }
        StringBuilder s = new StringBuilder("tso");
        if (queue.udpSegmentation()) {
            s.append(" uso");
        }
        if (writer.coalescingTcp()) {
            s.append(" tcp-coalescing");
        }
        if (writer.coalescingUdp()) {
            s.append(" udp-coalescing");
        }
        return s.toString();
    }

    private void addInterest(EpollIoOps ops) {
        if (!interest.contains(ops)) {
            interest = interest.with(ops);
            submitInterest();
        }
    }

    private void removeInterest(EpollIoOps ops) {
        if (interest.contains(ops)) {
            interest = interest.without(ops);
            submitInterest();
        }
    }

    private void submitInterest() {
        IoRegistration current = registration;
        if (current != null && isOpen()) {
            current.submit(interest);
        }
    }

    /** The {@code Unsafe} doubles as the {@link EpollIoHandle} registered with the loop. */
    private final class TunUnsafe extends AbstractUnsafe implements EpollIoHandle {
        boolean readPending;

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration ignored, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            try {
                if ((ready & ERROR_EVENTS) != 0) {
                    failAndClose(new IOException("TUN interface '" + address.name()
                            + "' is gone (epoll reported an error on its fd)"));
                    return;
                }
                if ((ready & EpollIoOps.EPOLLOUT.value()) != 0) {
                    super.flush0(); // writable again: flush even though EPOLLOUT is still set
                }
                if ((ready & EpollIoOps.EPOLLIN.value()) != 0 && isActive()) {
                    epollInReady();
                }
            } catch (Throwable t) {
                // Never let it reach EpollIoHandler: it would log and sleep the whole loop for a second.
                failAndClose(t);
            }
        }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            safeSetFailure(promise, new UnsupportedOperationException("a TunChannel has no remote address"));
        }

        @Override
        protected void flush0() {
            if (!interest.contains(EpollIoOps.EPOLLOUT)) { // else EPOLLOUT will trigger the flush
                super.flush0();
            }
        }

        /** Closing the event loop closes the channel. */
        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            ChannelOutboundBuffer out = outboundBuffer();
            if (out != null && !promise.isDone()) {
                out.addFlush();
                if (out.size() > 0) {
                    counters.onDrop(TunDropReason.UNSENT_ON_CLOSE, out.size());
                }
            }
            super.close(promise, cause, closeCause);
        }

        private void epollInReady() {
            TunChannelConfig config = config();
            if (!readPending && !config.isAutoRead()) {
                removeInterest(EpollIoOps.EPOLLIN);
                return;
            }
            readPending = false;
            if (queue.vnetHeader()) {
                epollInReadyVnet(config);
                return;
            }
            int headroom = config.getHeadroom();
            int maxPacket = config.maxPacketSize();
            int bufferSize = config.readBufferSize();
            // One spare byte past maxPacket: the kernel truncates a longer packet to the space offered (and older
            // kernels report its full length), so a read longer than maxPacket was truncated either way.
            int limit = headroom + maxPacket + 1;
            int budget = config.getMaxPacketsPerRead();
            ByteBufAllocator alloc = config.getAllocator();
            ChannelPipeline pipeline = pipeline();
            int delivered = 0;
            int result = 0;
            Throwable failure = null;
            try {
                for (int attempt = 0; attempt < budget && isActive(); attempt++) {
                    ByteBuf buf = alloc.directBuffer(bufferSize);
                    try {
                        result = queue.read(buf, headroom, limit);
                    } catch (Throwable t) {
                        buf.release();
                        throw t;
                    }
                    if (result <= 0) {
                        buf.release();
                        break;
                    }
                    if (result > maxPacket) {
                        buf.release();
                        counters.onDrop(TunDropReason.OVERSIZED_READ, 1);
                        continue;
                    }
                    buf.setIndex(headroom, headroom + result);
                    counters.onPacketRead(result);
                    delivered++;
                    pipeline.fireChannelRead(buf);
                    if (!mayReadAgain(config)) {
                        break;
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
            finishRead(config, delivered, result, failure);
        }

        /**
         * The vnet-header read loop: {@link VnetReader} reads and fires each read's packets (one, or the segments of
         * a GSO super-packet). The read budget counts reads, not segments.
         */
        private void epollInReadyVnet(TunChannelConfig config) {
            int budget = config.getMaxPacketsPerRead();
            ChannelPipeline pipeline = pipeline();
            int result = 0;
            Throwable failure = null;
            vnetReader.resetDelivered();
            try {
                for (int attempt = 0; attempt < budget && isActive(); attempt++) {
                    result = vnetReader.readOnce(queue, config, pipeline);
                    if (result <= 0) {
                        break;
                    }
                    if (!mayReadAgain(config)) {
                        break;
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
            vnetReader.endOfBurst();
            finishRead(config, vnetReader.delivered(), result, failure);
        }

        /**
         * After a read was delivered: whether the burst may read again. Always with auto-read; without it only
         * when a handler asked for another {@code read()} meanwhile, which this consumes.
         */
        private boolean mayReadAgain(TunChannelConfig config) {
            if (config.isAutoRead()) {
                return true;
            }
            if (!readPending) {
                return false;
            }
            readPending = false;
            return true;
        }

        /**
         * The end of a read burst: {@code channelReadComplete} if anything was delivered, then close on a failure
         * or end of file ({@code result} < 0), or stop reading when auto-read is off and no read is pending.
         */
        private void finishRead(TunChannelConfig config, int delivered, int result, Throwable failure) {
            if (delivered > 0) {
                pipeline().fireChannelReadComplete();
            }
            if (failure != null) {
                failAndClose(TunIoErrors.explain(address.name(), "read", failure));
            } else if (result < 0) {
                failAndClose(new IOException("TUN interface '" + address.name()
                        + "' reported end of file; it was removed"));
            } else if (!readPending && !config.isAutoRead()) {
                removeInterest(EpollIoOps.EPOLLIN);
            }
        }

        private void failAndClose(Throwable cause) {
            if (!isOpen()) {
                return;
            }
            LOG.log(Level.WARNING, "closing TUN " + address.name() + " queue " + queue.index() + ": " + cause);
            pipeline().fireExceptionCaught(cause);
            close(voidPromise());
        }
    }
}
