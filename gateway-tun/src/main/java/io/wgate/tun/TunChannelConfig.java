package io.wgate.tun;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Configuration of a {@link TunChannel}: how read buffers are sized and how much is read per wake-up.
 *
 * <p>Each read buffer is a direct buffer from {@link #getAllocator()} (Netty's pooled default) of
 * {@link #readBufferSize()} bytes. The packet is read at index {@link #getHeadroom()}, so the engine can write the
 * 16-byte WireGuard transport header in front of it in place, and at least {@link #getTailroom()} bytes stay
 * writable behind it for the padding to 16 bytes and the 16-byte Poly1305 tag (whitepaper §5.4.6).
 * The {@code RecvByteBufAllocator} inherited from {@link DefaultChannelConfig} is not used.
 */
public final class TunChannelConfig extends DefaultChannelConfig {
    /** Default MTU: WireGuard's 1420 (1500 minus 80 bytes of IPv6, UDP and WireGuard overhead). */
    public static final int DEFAULT_MTU = 1420;
    /** Default headroom: the WireGuard transport data header (type, receiver, counter). */
    public static final int DEFAULT_HEADROOM = 16;
    /** Default tailroom: up to 15 bytes of padding to a multiple of 16 plus the 16-byte tag, rounded up. */
    public static final int DEFAULT_TAILROOM = 32;
    /** Default number of packets read per EPOLLIN wake-up. */
    public static final int DEFAULT_MAX_PACKETS_PER_READ = 64;
    /** Read buffers hold at least this many packet bytes whatever the MTU, so a 1500-byte link never truncates. */
    public static final int MIN_READ_PACKET_SIZE = 1500;

    /** Smallest IPv4 MTU (RFC 791). */
    static final int MIN_MTU = 68;
    /** Largest IP packet without jumbograms. */
    static final int MAX_MTU = 65535;
    static final int MAX_ROOM = 4096;
    static final int MAX_PACKETS_PER_READ_LIMIT = 4096;

    private volatile int mtu = DEFAULT_MTU;
    private volatile int headroom = DEFAULT_HEADROOM;
    private volatile int tailroom = DEFAULT_TAILROOM;
    private volatile int maxPacketsPerRead = DEFAULT_MAX_PACKETS_PER_READ;
    private volatile IntUnaryOperator segmentTailroom;
    /** {@link #segmentTailroom(int)} as a function, made once (a method reference per packet would allocate). */
    private final IntUnaryOperator segmentTailroomOfLength = this::segmentTailroom;

    TunChannelConfig(TunChannel channel) {
        super(channel);
    }

    /** Largest packet expected from the interface, in bytes (default {@value #DEFAULT_MTU}). */
    public int getMtu() {
        return mtu;
    }

    /**
     * Sets the largest packet expected; match the interface MTU. Longer packets are truncated by the kernel and
     * counted as {@link TunDropReason#OVERSIZED_READ}.
     *
     * @throws IllegalArgumentException unless 68 to 65535
     */
    public TunChannelConfig setMtu(int mtu) {
        this.mtu = checkRange("mtu", mtu, MIN_MTU, MAX_MTU);
        return this;
    }

    /** Bytes before the packet in each read buffer (default {@value #DEFAULT_HEADROOM}). */
    public int getHeadroom() {
        return headroom;
    }

    /**
     * Sets the bytes reserved before each packet read.
     *
     * @throws IllegalArgumentException unless 0 to 4096
     */
    public TunChannelConfig setHeadroom(int headroom) {
        this.headroom = checkRange("headroom", headroom, 0, MAX_ROOM);
        return this;
    }

    /** Writable bytes guaranteed after each packet read (default {@value #DEFAULT_TAILROOM}). */
    public int getTailroom() {
        return tailroom;
    }

    /**
     * Sets the writable bytes guaranteed after each packet read.
     *
     * @throws IllegalArgumentException unless 0 to 4096
     */
    public TunChannelConfig setTailroom(int tailroom) {
        this.tailroom = checkRange("tailroom", tailroom, 0, MAX_ROOM);
        return this;
    }

    /**
     * Writable bytes behind a segment of {@code packetLength} bytes cut from a super-packet (vnet-header queues):
     * the {@linkplain #setSegmentTailroom function} set, else {@link #getTailroom()}.
     */
    public int segmentTailroom(int packetLength) {
        IntUnaryOperator function = segmentTailroom;
        return function == null ? tailroom : function.applyAsInt(packetLength);
    }

    /** {@link #segmentTailroom(int)} as an {@link IntUnaryOperator}. */
    IntUnaryOperator segmentTailroomFunction() {
        return segmentTailroomOfLength;
    }

    /**
     * Sets the tailroom of the segments of a super-packet as a function of their length. The segments of one
     * read lie back to back in one buffer, each as {@code headroom + packet + segmentTailroom(packet)}: when the
     * function returns exactly what the handler that frames packets in place appends (for WireGuard: the padding
     * and the 16-byte tag), the framed messages are adjacent in memory and can leave as one UDP GSO send.
     * {@code null} restores the fixed {@link #getTailroom()}. The function runs on the channel's event loop and
     * must return 0 to 4096.
     */
    public TunChannelConfig setSegmentTailroom(IntUnaryOperator tailroomOfLength) {
        this.segmentTailroom = tailroomOfLength;
        return this;
    }

    /** Packets read per EPOLLIN before other channels get a turn (default {@value #DEFAULT_MAX_PACKETS_PER_READ}). */
    public int getMaxPacketsPerRead() {
        return maxPacketsPerRead;
    }

    /**
     * Sets the per-wake-up read budget. Level-triggered epoll wakes the loop again if packets remain.
     *
     * @throws IllegalArgumentException unless 1 to 4096
     */
    public TunChannelConfig setMaxPacketsPerRead(int maxPacketsPerRead) {
        this.maxPacketsPerRead =
                checkRange("maxPacketsPerRead", maxPacketsPerRead, 1, MAX_PACKETS_PER_READ_LIMIT);
        return this;
    }

    /** Longest packet a read accepts: max(mtu, {@value #MIN_READ_PACKET_SIZE}); longer ones are dropped. */
    public int maxPacketSize() {
        return Math.max(mtu, MIN_READ_PACKET_SIZE);
    }

    /**
     * Capacity of each read buffer: headroom + {@link #maxPacketSize()} + tailroom, and at least one byte more
     * than headroom + maxPacketSize so that a packet the kernel truncated can be told from one that fits exactly.
     */
    public int readBufferSize() {
        return headroom + maxPacketSize() + Math.max(tailroom, 1);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), TunChannelOption.MTU, TunChannelOption.HEADROOM,
                TunChannelOption.TAILROOM, TunChannelOption.MAX_PACKETS_PER_READ);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == TunChannelOption.MTU) {
            return (T) Integer.valueOf(getMtu());
        }
        if (option == TunChannelOption.HEADROOM) {
            return (T) Integer.valueOf(getHeadroom());
        }
        if (option == TunChannelOption.TAILROOM) {
            return (T) Integer.valueOf(getTailroom());
        }
        if (option == TunChannelOption.MAX_PACKETS_PER_READ) {
            return (T) Integer.valueOf(getMaxPacketsPerRead());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == TunChannelOption.MTU) {
            setMtu((Integer) value);
        } else if (option == TunChannelOption.HEADROOM) {
            setHeadroom((Integer) value);
        } else if (option == TunChannelOption.TAILROOM) {
            setTailroom((Integer) value);
        } else if (option == TunChannelOption.MAX_PACKETS_PER_READ) {
            setMaxPacketsPerRead((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be " + min + " to " + max);
        }
        return value;
    }
}
