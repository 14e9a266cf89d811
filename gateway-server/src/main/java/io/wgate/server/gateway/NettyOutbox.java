package io.wgate.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.wgate.core.Outbox;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * The engine's {@link Outbox} on Netty: datagrams go to the UDP channel, plaintext packets to the TUN
 * channel, both written without flushing; {@link #flush()} once per batch turns a batch into one
 * {@code sendmmsg} and one burst of TUN writes. When a channel's outbound buffer is above its high
 * water mark the packet is dropped and counted rather than queued without bound.
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

    private Channel udp;
    private final Channel tun;
    private boolean udpPending;
    private boolean tunPending;
    private long udpBackpressureDrops;
    private long tunBackpressureDrops;
    private final IoErrors ioErrors = new IoErrors();

    NettyOutbox(Channel udp, Channel tun) {
        this.udp = udp;
        this.tun = tun;
    }

    /** Takes ownership of {@code datagram}; false when it was dropped because the socket is backed up. */
    @Override
    public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
        if (!udp.isWritable()) {
            udpBackpressureDrops++;
            datagram.release();
            return false;
        }
        udp.write(new DatagramPacket(datagram, recipient), udp.voidPromise());
        udpPending = true;
        return true;
    }

    /** Takes ownership of {@code packet}. */
    @Override
    public void writeToTunnel(ByteBuf packet) {
        if (!tun.isWritable()) {
            tunBackpressureDrops++;
            packet.release();
            return;
        }
        tun.write(packet, tun.voidPromise());
        tunPending = true;
    }

    /** Sends through {@code replacement} from now on (after a listen-port change). */
    void useUdp(Channel replacement) {
        if (udpPending) {
            udp.flush();
            udpPending = false;
        }
        udp = replacement;
    }

    /** Flushes whatever this batch wrote. */
    void flush() {
        if (udpPending) {
            udpPending = false;
            udp.flush();
        }
        if (tunPending) {
            tunPending = false;
            tun.flush();
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
