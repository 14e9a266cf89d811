package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.Outbox;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import io.wgate.tun.TunChannel;
import java.net.InetSocketAddress;

/**
 * The engine's {@link Outbox} on Netty: datagrams go to the UDP channel, plaintext packets to the TUN
 * channel, both written without flushing; {@link #flush()} once per batch turns a batch into one
 * {@code sendmmsg} and one burst of TUN writes. When a channel's outbound buffer is above its high
 * water mark the packet is dropped and counted rather than queued without bound.
 *
 * <p>With UDP GSO on, consecutive datagrams that the engine sealed in place from the segments of one TUN
 * super-packet (or from plain packets of one size of one read burst, laid out alike) are gathered in a
 * {@link GsoBatch} and leave as one segmented send, a slice of the buffer they lie in: the one of the TUN read being
 * fired, or, for a crypto worker's datagram sent after that read, the one the driver names with {@link #completing}.
 * The batch is written when a datagram does not continue it and at {@link #flush()}, so the order of datagrams never
 * changes. A send the kernel refuses for GSO reasons switches GSO off ({@link #disableGso}).
 *
 * <p>Engine event loop only, except the counters' getters.
 */
final class NettyOutbox implements Outbox {

    private static final VarHandle UDP_DROPS;
    private static final VarHandle TUN_DROPS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            UDP_DROPS = lookup.findVarHandle(NettyOutbox.class, "udpBackpressureDrops", long.class);
            TUN_DROPS = lookup.findVarHandle(NettyOutbox.class, "tunBackpressureDrops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Room in the UDP socket's queue that cookie replies leave to everything else (of its 8 MiB high mark). */
    static final long COOKIE_REPLY_RESERVE_BYTES = 6L << 20;
    private Channel udp;
    /** The handshake socket ({@link HandshakeSteering}), where cookie replies leave; null: they share {@link #udp}. */
    private Channel handshakeUdp;
    private final Channel tun;
    private final GsoBatch gsoBatch = new GsoBatch();
    /** The buffer the next datagram, a crypto job's, was cut from, or null ({@link #completing}). */
    private ByteBuf completionSource;
    private boolean gso;
    private long gsoSends;
    private long gsoDatagrams;
    private long gsoCopies;
    private boolean udpPending;
    private boolean handshakeUdpPending;
    private boolean tunPending;
    private long udpBackpressureDrops;
    private long tunBackpressureDrops;
    private final IoErrors ioErrors = new IoErrors();

    /**
     * @param gso whether to gather datagrams into UDP GSO sends (the socket supports {@code UDP_SEGMENT})
     */
    NettyOutbox(Channel udp, Channel tun, boolean gso) {
        this(udp, null, tun, gso);
    }

    /**
     * @param handshakeUdp the handshake socket on the same port, where cookie replies leave (null: none)
     * @param gso          whether to gather datagrams into UDP GSO sends (the socket supports {@code UDP_SEGMENT})
     */
    NettyOutbox(Channel udp, Channel handshakeUdp, Channel tun, boolean gso) {
        this.udp = udp;
        this.handshakeUdp = handshakeUdp;
        this.tun = tun;
        this.gso = gso;
    }

    /** Takes ownership of {@code datagram}; false when it was dropped because the socket is backed up. */
    @Override
    public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
        ByteBuf named = completionSource;
        completionSource = null; // it names where this datagram lies, and it is alive only while this datagram is
        if (!udp.isWritable()) {
            UDP_DROPS.setOpaque(this, udpBackpressureDrops + 1);
            datagram.release();
            return false;
        }
        if (!gso) {
            udp.write(new DatagramPacket(datagram, recipient), udp.voidPromise());
            udpPending = true;
            return true;
        }
        if (!gsoBatch.tryAppend(datagram, recipient)) {
            writeGsoBatch();
            ByteBuf source = named;
            if (source == null && tun instanceof TunChannel t) {
                source = t.firingSegmentsOf();
            }
            gsoBatch.start(datagram, recipient, source);
        }
        return true;
    }

    /**
     * Takes ownership of {@code reply}; declines it (false) rather than let a flood's cookie replies crowd out tunnel
     * data and handshake messages. With a handshake socket the reply leaves there, and is declined when that socket is
     * backed up (replies to spoofed on-link sources wait for neighbour resolution and fill its send buffer, which
     * nothing else uses). Without one, it is declined once the shared socket's queue leaves less than
     * {@value #COOKIE_REPLY_RESERVE_BYTES} bytes before it stops taking writes.
     */
    @Override
    public boolean sendCookieReply(ByteBuf reply, InetSocketAddress recipient) {
        if (handshakeUdp != null) {
            if (!handshakeUdp.isWritable()) {
                reply.release();
                return false;
            }
            handshakeUdp.write(new DatagramPacket(reply, recipient), handshakeUdp.voidPromise());
            handshakeUdpPending = true;
            return true;
        }
        if (udp.bytesBeforeUnwritable() < COOKIE_REPLY_RESERVE_BYTES) {
            reply.release();
            return false;
        }
        return sendDatagram(reply, recipient);
    }

    private void writeGsoBatch() {
        if (gsoBatch.isEmpty()) {
            return;
        }
        int datagrams = gsoBatch.size();
        if (datagrams > 1) {
            gsoSends++;
            gsoDatagrams += datagrams;
            gsoCopies += gsoBatch.zeroCopy() ? 0 : 1;
        }
        gsoBatch.writeTo(udp);
        udpPending = true;
    }

    /**
     * The next datagram sent is the message of a crypto job that lies in {@code source}
     * ({@link CryptoWorkers#sourceOf}; null: none): it may leave as a zero-copy slice of it, as those sealed while
     * their TUN read is fired do. Only that one: the datagram keeps {@code source} alive, nothing else sent while
     * completing the job does.
     */
    void completing(ByteBuf source) {
        completionSource = source;
    }

    /** Whether datagrams are gathered into UDP GSO sends. */
    boolean gso() {
        return gso;
    }

    /**
     * Switches UDP GSO off for good (a segmented send failed: the egress device cannot segment, or the path MTU is
     * below the segment size); what is gathered goes out first, as it is.
     */
    void disableGso() {
        writeGsoBatch();
        gso = false;
    }

    /** Segmented sends so far and the datagrams they carried (engine loop). */
    long gsoSends() {
        return gsoSends;
    }

    long gsoDatagrams() {
        return gsoDatagrams;
    }

    /** Segmented sends whose datagrams were copied into one buffer, no read being known for them (engine loop). */
    long gsoCopies() {
        return gsoCopies;
    }

    /** Takes ownership of {@code packet}. */
    @Override
    public void writeToTunnel(ByteBuf packet) {
        if (!tun.isWritable()) {
            TUN_DROPS.setOpaque(this, tunBackpressureDrops + 1);
            packet.release();
            return;
        }
        tun.write(packet, tun.voidPromise());
        tunPending = true;
    }

    /**
     * Sends through {@code replacement} and cookie replies through {@code handshakeReplacement} (null: none) from now
     * on (after a listen-port change).
     */
    void useUdp(Channel replacement, Channel handshakeReplacement) {
        flushUdp();
        udp = replacement;
        handshakeUdp = handshakeReplacement;
    }

    /** Flushes whatever this batch wrote. */
    void flush() {
        flushUdp();
        if (tunPending) {
            tunPending = false;
            tun.flush();
        }
    }

    private void flushUdp() {
        writeGsoBatch();
        if (udpPending) {
            udpPending = false;
            udp.flush();
        }
        if (handshakeUdpPending) {
            handshakeUdpPending = false;
            handshakeUdp.flush();
        }
    }

    /** Sends and TUN writes that failed after the outbox queued them. */
    IoErrors ioErrors() {
        return ioErrors;
    }

    /** Datagrams dropped because the UDP socket could not keep up; any thread. */
    long udpBackpressureDrops() {
        return (long) UDP_DROPS.getOpaque(this);
    }

    /** Packets dropped because the TUN device could not keep up; any thread. */
    long tunBackpressureDrops() {
        return (long) TUN_DROPS.getOpaque(this);
    }
}
