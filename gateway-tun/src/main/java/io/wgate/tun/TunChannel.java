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
 * virtio_net_hdr and a packet of up to 64 KiB: {@link GsoSplitter} completes partial checksums and cuts TCP GSO
 * super-packets into segments, and every packet is still delivered in its own buffer laid out as above; a malformed
 * read is dropped with its {@link TunDropReason}.
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

    /**
     * Bytes offered to each read of a vnet-header queue: the header, the largest IPv6 packet (40 + 65535) and one
     * spare byte, so a read that fills it was truncated.
     */
    static final int SUPER_PACKET_READ_SIZE = VirtioNetHeader.LENGTH + GsoSplitter.IPV6_HEADER + 65535 + 1;

    private final TunQueue queue;
    private final FileDescriptor fd;
    private final TunAddress address;
    private final TunChannelConfig config;
    private final TunCounters counters = new TunCounters();
    /** Splits vnet-header reads; loop thread only. */
    private final GsoSplitter splitter = new GsoSplitter();
    /** Loop thread only: the buffer vnet-header reads land in (up to 64 KiB), from the first read until close. */
    private ByteBuf superPacketBuffer;
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
        ByteBuf scratch = superPacketBuffer;
        if (scratch != null) {
            superPacketBuffer = null;
            splitter.clear();
            scratch.release();
        }
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
        int budget = maxMessagesPerWrite();
        for (;;) {
            Object msg = in.current();
            if (msg == null) {
                removeInterest(EpollIoOps.EPOLLOUT);
                return;
            }
            if (budget-- == 0) {
                eventLoop().execute(flushTask); // let the loop's other channels run, then continue
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            int length = buf.readableBytes();
            if (length == 0) { // not a packet; the kernel would reject it too
                counters.onDrop(TunDropReason.WRITE_REJECTED, 1);
                in.remove(new IOException("TUN interface '" + address.name() + "': cannot write an empty packet"));
                continue;
            }
            int written;
            try {
                written = queue.write(buf);
            } catch (IOException e) {
                if (TunIoErrors.isFatal(e)) {
                    throw TunIoErrors.explain(address.name(), "write", e);
                }
                counters.onDrop(TunDropReason.WRITE_REJECTED, 1);
                in.remove(TunIoErrors.explain(address.name(), "write", e));
                continue;
            }
            if (written == 0) { // EAGAIN: keep the packet queued until the fd is writable again
                addInterest(EpollIoOps.EPOLLOUT);
                return;
            }
            counters.onPacketWritten(length);
            in.remove();
        }
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
         * The vnet-header read loop: each read lands in {@link #superPacketBuffer}; each packet it holds (one, or
         * the segments of a GSO super-packet) is copied into its own pooled read buffer, laid out as on a plain
         * queue, and fired. The read budget counts reads, not segments.
         */
        private void epollInReadyVnet(TunChannelConfig config) {
            int headroom = config.getHeadroom();
            int maxPacket = config.maxPacketSize();
            int bufferSize = config.readBufferSize();
            int budget = config.getMaxPacketsPerRead();
            ByteBufAllocator alloc = config.getAllocator();
            ChannelPipeline pipeline = pipeline();
            int delivered = 0;
            int result = 0;
            Throwable failure = null;
            try {
                if (superPacketBuffer == null) {
                    superPacketBuffer = alloc.directBuffer(SUPER_PACKET_READ_SIZE);
                }
                ByteBuf scratch = superPacketBuffer;
                for (int attempt = 0; attempt < budget && isActive(); attempt++) {
                    result = queue.read(scratch, 0, SUPER_PACKET_READ_SIZE);
                    if (result <= 0) {
                        break;
                    }
                    TunDropReason drop = result >= SUPER_PACKET_READ_SIZE ? TunDropReason.OVERSIZED_READ
                            : splitter.prepare(scratch, 0, result, maxPacket);
                    if (drop != null) {
                        counters.onDrop(drop, 1);
                        continue;
                    }
                    if (splitter.isGso()) {
                        counters.onGsoRead(splitter.isIpv4());
                    } else if (splitter.needsChecksum()) {
                        counters.onChecksumCompleted();
                    }
                    int segments = splitter.segmentCount();
                    for (int i = 0; i < segments; i++) {
                        ByteBuf buf = alloc.directBuffer(bufferSize);
                        try {
                            buf.setIndex(headroom, headroom);
                            splitter.writeSegment(i, buf);
                        } catch (Throwable t) {
                            buf.release();
                            throw t;
                        }
                        counters.onPacketRead(buf.readableBytes());
                        delivered++;
                        pipeline.fireChannelRead(buf);
                    }
                    splitter.clear();
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
