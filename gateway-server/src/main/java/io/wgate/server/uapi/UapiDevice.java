package io.wgate.server.uapi;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import java.net.BindException;
import java.net.SocketException;

/**
 * What the UAPI reads and changes on a running gateway: the {@link Engine} (keys, peers, routes) and
 * the device settings the engine does not own because they belong to the UDP sockets (listen port,
 * fwmark). The gateway implements it; tests use a fake.
 *
 * <p>Every method is called on the engine's event loop (where the {@link UapiServer}'s requests run) and
 * must complete there without blocking on another thread: with Netty's epoll transport, binding a
 * channel from inside its own event loop completes before {@code bind()} returns, so check the future's
 * result instead of calling {@code sync()}.
 */
public interface UapiDevice {

    /** The protocol engine; only ever touched on its owner loop. */
    Engine engine();

    /** The UDP port actually bound (never 0 once bound; 0 while no socket is open). */
    int listenPort();

    /**
     * Rebinds the UDP sockets to {@code port} (0 = a random free port), keeping the current sockets if
     * that fails. Called only when the port changes or is 0; wireguard-go rebinds then too.
     *
     * @throws BindException if the port cannot be bound; the old sockets must still be in place
     */
    void setListenPort(int port) throws BindException;

    /** The firewall mark of the UDP sockets (an unsigned 32-bit value in an int), 0 = off. */
    int fwmark();

    /**
     * Applies {@code SO_MARK} to the UDP sockets (0 = off). Called only when the mark changes; called
     * again with the old mark to undo it when a later step of the same request fails.
     *
     * @throws SocketException if the mark cannot be set (no {@code CAP_NET_ADMIN}); nothing may have changed
     */
    void setFwmark(int mark) throws SocketException;

    /**
     * Called after a {@code set} was applied: the engine may now owe work (a keepalive for a peer whose
     * persistent keepalive was just switched on), so the driver should look at
     * {@link Engine#nextDeadlineNanos()} again and flush. Default: nothing.
     */
    default void onConfigurationApplied() {
    }

    /**
     * Called when a {@code set} gave the existing {@code peer} an endpoint: an IP literal ({@code wg} resolves
     * names itself) that replaces a host name from the configuration file, which the gateway then stops resolving
     * again. Default: nothing.
     */
    default void onEndpointSet(Peer peer) {
    }
}
