package io.wgate.server.gateway;

import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.wgate.core.limit.KnownEndpoints;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.List;

/**
 * Keeps {@link HandshakeSteering}'s priority lane current: the addresses of our peers' endpoints, whose handshake
 * messages go to the data socket, past a flood that overflows the handshake socket. {@link #refresh} (once a second,
 * and when the sockets change) compares the engine's {@link KnownEndpoints#changes()} with what it attached last and,
 * when the set of addresses differs, attaches a new program to the data socket's reuseport group.
 *
 * <p>Owner: the engine's event loop (the endpoints are the engine's, read there). A refused program leaves the one
 * before it in place (logged once, as is a lane that cannot hold every address).
 */
final class PriorityLane {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final String name;
    private final KnownEndpoints endpoints;
    /** The data socket, whose group the program is attached to; null: no handshake socket, no lane. */
    private EpollDatagramChannel socket;
    /** {@link KnownEndpoints#changes()} when the addresses were last looked at; -1: look now. */
    private long seenChanges = -1;
    /** The addresses in the attached program. */
    private List<InetAddress> attached = List.of();
    private boolean cappedLogged;
    private boolean refusedLogged;

    PriorityLane(String name, KnownEndpoints endpoints) {
        this.name = name;
        this.endpoints = endpoints;
    }

    /**
     * The gateway's sockets now: {@code data} and whether a handshake socket joined its group (new sockets carry the
     * program without a lane, so the next {@link #refresh} attaches the lane again).
     */
    void use(DatagramChannel data, boolean handshakeSocket) {
        socket = handshakeSocket && data instanceof EpollDatagramChannel epoll ? epoll : null;
        seenChanges = -1;
        attached = List.of();
    }

    /** Attaches a new program when the endpoints' addresses changed since the last look. */
    void refresh() {
        long changes = endpoints.changes();
        if (socket == null || changes == seenChanges || !socket.isOpen()) {
            return;
        }
        seenChanges = changes;
        int max = HandshakeSteering.MAX_PRIORITY_ADDRESSES;
        List<InetAddress> all = endpoints.addresses(max + 1);
        List<InetAddress> addresses = all.size() > max ? List.copyOf(all.subList(0, max)) : all;
        if (addresses.equals(attached)) {
            return;
        }
        if (all.size() > max && !cappedLogged) {
            cappedLogged = true;
            LOG.log(Level.WARNING, "{0}: the handshake priority lane holds the first {1} peer addresses only; handshakes"
                    + " from the others wait with a flood''s, in the handshake socket", name, max);
        }
        try {
            HandshakeSteering.attach(socket.fd().intValue(), HandshakeSteering.program(addresses));
            attached = addresses;
            LOG.log(Level.DEBUG, "{0}: handshake priority lane: {1} peer addresses", name, addresses.size());
        } catch (IllegalStateException e) {
            if (!refusedLogged) {
                refusedLogged = true;
                LOG.log(Level.WARNING, "{0}: no handshake priority lane for {1} peer addresses ({2}): their handshakes"
                        + " wait with a flood''s, in the handshake socket", name, addresses.size(), e.getMessage());
            }
        }
    }

    /** The addresses of the program attached last (for tests). */
    List<InetAddress> attached() {
        return attached;
    }
}
