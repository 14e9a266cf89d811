package io.wgate.server.demo;

import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.server.uapi.UapiClient;
import io.wgate.server.uapi.UapiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An office's WireGuard gateway running in its network namespace as a child process of the demo:
 * {@link WgateGateway} or {@link WireguardGoGateway}. Both serve the cross-platform UAPI on
 * {@link RunTraces#uapiSocket}, so status is read the same way from either.
 */
public interface Gateway extends AutoCloseable {

    /** Which implementation this is. */
    GatewayKind kind();

    /** Which office, for messages ({@code "Main Office"}). */
    String office();

    /** The network namespace it runs in. */
    String namespace();

    /** Its tunnel interface. */
    String interfaceName();

    /** Process id of the gateway process. */
    long pid();

    /**
     * Waits until the gateway serves (and, for wireguard-go, configures it).
     *
     * @throws IOException naming what failed, with the end of the gateway's output
     */
    void awaitServing() throws IOException;

    /** Whether the gateway process still runs. */
    boolean isAlive();

    /** The file holding the gateway's standard output and error. */
    Path logFile();

    /** The gateway's output so far. */
    String log();

    /** The last {@code lines} lines of its output. */
    String logTail(int lines);

    /**
     * The device as its UAPI socket reports it (keys, endpoint, counters, latest handshake).
     *
     * @throws IOException when the socket cannot be reached or the answer is an error
     */
    default DeviceStatus status() throws IOException {
        try (UapiClient client = UapiClient.connect(interfaceName())) {
            return client.get();
        } catch (UapiException e) {
            throw new IOException(kind().onGateway(office()) + " answered UAPI get with errno "
                    + e.errno() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The gateway's only peer, the other office, from {@link #status()}.
     *
     * @throws IOException when the status cannot be read or has no peer
     */
    default PeerStatus peer() throws IOException {
        List<PeerStatus> peers = status().peers();
        if (peers.size() != 1) {
            throw new IOException(kind().onGateway(office()) + " reports " + peers.size()
                    + " peers, expected 1");
        }
        return peers.getFirst();
    }

    /**
     * Stops the gateway, removes its interface and its files under {@code /run}. Idempotent, never throws.
     *
     * @return problems met, empty when everything went
     */
    List<String> stop();

    /** {@link #stop()}, ignoring problems. */
    @Override
    default void close() {
        stop();
    }
}
