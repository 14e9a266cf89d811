package io.wgate.server.uapi;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders the answer to {@code get=1} in wireguard-go's order and format (https://www.wireguard.com/xplatform/,
 * {@code device/uapi.go} {@code IpcGetOperation}): {@code private_key}, {@code listen_port},
 * {@code fwmark} (each omitted when unset or 0), then per peer {@code public_key}, {@code preshared_key}
 * (64 zeros when none), {@code protocol_version=1}, {@code endpoint} (omitted when unknown),
 * {@code last_handshake_time_sec}/{@code _nsec}, {@code tx_bytes}, {@code rx_bytes},
 * {@code persistent_keepalive_interval} and one {@code allowed_ip} line per prefix. The caller appends
 * {@code errno=0} and the blank line.
 *
 * <p>Peers come in the order they were added, prefixes sorted; wireguard-go's order is its map order,
 * which clients must not rely on.
 */
public final class GetOperation {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private GetOperation() {
    }

    /** The {@code key=value} lines describing {@code device}, each ending in {@code \n}. Call on the engine's loop. */
    public static String render(UapiDevice device) {
        Run run = begin(device);
        while (!run.step(System.nanoTime() + TimeUnit.HOURS.toNanos(1))) {
            // one go: no deadline
        }
        return String.join("", run.text());
    }

    /**
     * The running configuration of {@code device} as {@code wg showconf} would read it over the socket: rendered
     * and parsed back, in one go. For {@code SaveConfig}; the result holds the keys, never log it. Call on the
     * engine's loop.
     */
    public static DeviceStatus status(String interfaceName, UapiDevice device) throws UapiException {
        List<String> lines = new ArrayList<>(render(device).lines().toList());
        lines.add("errno=0");
        return GetResponseParser.parse(interfaceName, lines);
    }

    /**
     * Renders the device lines and takes the list of peers; the peers follow in {@link Run#step} slices, so that
     * packets keep flowing while fifty thousand peers are rendered. Engine loop only.
     */
    public static Run begin(UapiDevice device) {
        Engine engine = device.engine();
        List<Peer> peers = List.copyOf(engine.peers());
        StringBuilder out = new StringBuilder(Run.CHUNK_CHARS + 1024);
        byte[] privateKey = engine.privateKey();
        if (privateKey != null) {
            key(out, "private_key", privateKey);
            Arrays.fill(privateKey, (byte) 0);
        }
        if (device.listenPort() != 0) {
            line(out, "listen_port", Integer.toString(device.listenPort()));
        }
        if (device.fwmark() != 0) {
            line(out, "fwmark", Integer.toUnsignedString(device.fwmark()));
        }
        return new Run(engine, peers, out);
    }

    /**
     * The peers of a {@code get} after {@link #begin}, a slice at a time. A peer removed between slices (by nothing
     * the UAPI runs: its requests run one at a time) is left out. Engine loop only.
     */
    public static final class Run {

        private final Engine engine;
        private final List<Peer> peers;
        /**
         * The text is kept in chunks of about this many characters: fifty thousand peers make some 25 MB, and one
         * builder that size would double, and copy itself, on the loop.
         */
        static final int CHUNK_CHARS = 1 << 20;

        private final List<CharSequence> chunks = new ArrayList<>();
        private StringBuilder out;
        private int next;

        private Run(Engine engine, List<Peer> peers, StringBuilder out) {
            this.engine = engine;
            this.peers = peers;
            this.out = out;
            chunks.add(out);
        }

        /**
         * Renders peers until all are done or {@code System.nanoTime()} passes {@code deadlineNanos} (at least one
         * per call).
         *
         * @return whether every peer is rendered
         */
        public boolean step(long deadlineNanos) {
            do {
                if (next == peers.size()) {
                    return true;
                }
                Peer peer = peers.get(next++);
                if (engine.peer(peer.publicKey()) == peer) {
                    renderPeer(engine, peer, out);
                    if (out.length() >= CHUNK_CHARS) {
                        out = new StringBuilder(CHUNK_CHARS + 1024);
                        chunks.add(out);
                    }
                }
            } while (System.nanoTime() - deadlineNanos < 0);
            return next == peers.size();
        }

        /**
         * The rendered lines in order, complete once {@link #step} returned true: the builders themselves, never
         * copied on the loop; the caller hands them to the UAPI's thread, which encodes them.
         */
        public List<CharSequence> text() {
            return chunks;
        }
    }

    private static void renderPeer(Engine engine, Peer peer, StringBuilder out) {
        key(out, "public_key", peer.publicKey());
        byte[] psk = peer.handshake().presharedKey();
        key(out, "preshared_key", psk);
        Arrays.fill(psk, (byte) 0);
        line(out, "protocol_version", "1");
        if (peer.endpoint() != null) {
            line(out, "endpoint", UapiValues.formatEndpoint(peer.endpoint()));
        }
        long handshakeNanos = peer.lastHandshakeEpochNanos();
        line(out, "last_handshake_time_sec", Long.toString(handshakeNanos / NANOS_PER_SECOND));
        line(out, "last_handshake_time_nsec", Long.toString(handshakeNanos % NANOS_PER_SECOND));
        line(out, "tx_bytes", Long.toUnsignedString(peer.txBytes()));
        line(out, "rx_bytes", Long.toUnsignedString(peer.rxBytes()));
        line(out, "persistent_keepalive_interval", Integer.toString(peer.persistentKeepaliveSeconds()));
        for (Prefix prefix : engine.allowedIps(peer)) {
            line(out, "allowed_ip", UapiValues.formatPrefix(prefix));
        }
    }

    private static void key(StringBuilder out, String name, byte[] key) {
        line(out, name, UapiValues.formatKey(key));
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(value).append('\n');
    }
}
