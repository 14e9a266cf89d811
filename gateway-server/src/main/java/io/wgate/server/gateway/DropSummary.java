package io.wgate.server.gateway;

import io.wgate.core.DropCounters;
import io.wgate.core.DropReason;
import io.wgate.tun.TunChannel;

/**
 * The one line a gateway logs when it stops about every packet it discarded during the run: the
 * engine's drops by {@link DropReason}, then the I/O layer's: packets dropped under back-pressure (the
 * outbox's UDP and TUN queues full, the TUN device's own read drops), datagrams the UDP socket failed
 * to send and packets the TUN device rejected ({@link IoErrors}); and the kernel's drops at the UDP sockets.
 */
final class DropSummary {

    private DropSummary() {
    }

    /**
     * {@code " reason=count ..."} for every non-zero counter, empty when nothing was dropped. Read the
     * engine's counters on its event loop; the I/O counters may be read from any thread.
     *
     * @param outbox the engine's outbox, null if it was never attached
     * @param tun    the TUN channel, null if it was never opened
     */
    static String of(DropCounters engine, NettyOutbox outbox, TunChannel tun) {
        StringBuilder line = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            append(line, reason.label(), engine.get(reason));
        }
        long backpressure = tun == null ? 0 : tun.droppedPackets();
        if (outbox != null) {
            backpressure += outbox.udpBackpressureDrops() + outbox.tunBackpressureDrops();
        }
        append(line, "backpressure", backpressure);
        if (outbox != null) {
            append(line, "udp_send_failed", outbox.ioErrors().udpSendFailures());
            append(line, "tun_write_failed", outbox.ioErrors().tunWriteFailures());
        }
        return line.toString();
    }

    /**
     * {@code " data_socket_overflow=N handshake_socket_overflow=M"} for the kernel's drops at the UDP sockets
     * ({@link SocketDrops}), each left out when zero.
     */
    static String socketDrops(long dataSocket, long handshakeSocket) {
        StringBuilder line = new StringBuilder();
        append(line, "data_socket_overflow", dataSocket);
        append(line, "handshake_socket_overflow", handshakeSocket);
        return line.toString();
    }

    private static void append(StringBuilder line, String label, long count) {
        if (count != 0) {
            line.append(' ').append(label).append('=').append(count);
        }
    }
}
