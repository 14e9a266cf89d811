package io.wgate.server.gateway;

import io.wgate.core.Engine;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.UapiDevice;
import io.wgate.server.uapi.UapiLimits;
import io.wgate.server.uapi.UapiServer;
import io.wgate.tun.SeqPacketPair;
import io.wgate.tun.TunChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * The gateway's start and first packet as far as they go without privileges, run by the training of the launcher's
 * AOT cache ({@link io.wgate.server.cli.AotTraining}) so that the classes a real gateway loads, and the lambdas it
 * links, are in the cache: an idle gateway then loads next to nothing from the jar (each class loaded at run time
 * costs more memory than an archived one; benchmarks/README.md, "Footprint").
 *
 * <p>Two gateways, A and B, each with its AEAD, engine, event loop and workers, a UDP socket on a free port (bound as
 * a real gateway binds, on every address; the traffic is loopback's) and a {@link SeqPacketPair} in place of its TUN
 * device (with the vnet header and offloads a real start asks for): a {@code set} on A's UAPI socket points A at B
 * (endpoint and persistent keepalive), then one IPv4 packet written
 * to A's TUN goes through the handshake, A's encryption and B's decryption and must come out of B's TUN; then a
 * {@code get} on A's UAPI socket and both teardowns. No TUN device, no host network change, no traffic beyond
 * loopback.
 */
public final class StartRehearsal {

    /** The MTU both gateways run with. */
    private static final int MTU = 1420;
    /** How long the packet may take through the handshake and both gateways. */
    private static final Duration PACKET_TIMEOUT = Duration.ofSeconds(20);
    private static final byte[] PAYLOAD = "wgate start rehearsal".getBytes(StandardCharsets.US_ASCII);

    private StartRehearsal() {
    }

    /**
     * Rehearses a start of {@code a}'s and {@code b}'s gateways, A's UAPI socket in {@code uapiDirectory}, and sends
     * one packet from {@code from} to {@code to} through them.
     *
     * @param a    A's configuration: one peer, B, whose AllowedIPs hold {@code to}
     * @param b    B's configuration: one peer, A, whose AllowedIPs hold {@code from}
     * @param from the packet's source, an IPv4 address
     * @param to   the packet's destination, an IPv4 address
     * @return the answer of the {@code get} on A's UAPI socket
     * @throws IOException if the packet did not come out of B's TUN in time, or a UAPI request failed
     */
    public static String run(WgQuickConfig a, WgQuickConfig b, InetAddress from, InetAddress to, GatewayOptions options,
                             Path uapiDirectory) throws Exception {
        return run(a, b, from, to, options, uapiDirectory, PACKET_TIMEOUT);
    }

    /** {@link #run(WgQuickConfig, WgQuickConfig, InetAddress, InetAddress, GatewayOptions, Path)}, any timeout. */
    static String run(WgQuickConfig a, WgQuickConfig b, InetAddress from, InetAddress to, GatewayOptions options,
                      Path uapiDirectory, Duration packetTimeout) throws Exception {
        Teardown teardownA = new Teardown(a.interfaceName());
        Teardown teardownB = new Teardown(b.interfaceName());
        try (SeqPacketPair tunA = new SeqPacketPair(a.interfaceName(), DataPlane.tunOptions(options.offloads()));
             SeqPacketPair tunB = new SeqPacketPair(b.interfaceName(), DataPlane.tunOptions(options.offloads()))) {
            try {
                DataPlane planeB = start(b, options, tunB, teardownB);
                DataPlane planeA = start(a, options, tunA, teardownA);
                UapiServer uapi = UapiServer.start(uapiDirectory, a.interfaceName(), new Device(planeA),
                        planeA.loop(), UapiLimits.DEFAULTS);
                teardownA.push("close the UAPI socket", uapi);
                String set = request(uapi.socketPath(), "set=1\npublic_key="
                        + HexFormat.of().formatHex(a.peers().getFirst().publicKey().bytes()) + "\nendpoint=127.0.0.1:"
                        + planeB.listenPort() + "\npersistent_keepalive_interval=25\n\n");
                if (!set.equals("errno=0\n\n")) {
                    throw new IOException("the rehearsal's UAPI set answered " + set.strip());
                }
                byte[] packet = ipv4Udp(from, to, PAYLOAD);
                tunA.sendPacket(packet);
                byte[] out = tunB.receivePacket(packetTimeout);
                if (!Arrays.equals(out, packet)) {
                    throw new IOException("the rehearsal's packet did not come out of B's TUN within "
                            + packetTimeout + (out == null ? "" : " (" + out.length + " other bytes did)")
                            + "; A's peer: "
                            + request(uapi.socketPath(), "get=1\n\n").lines()
                                    .filter(line -> line.startsWith("last_handshake_time_sec=")
                                            || line.startsWith("tx_bytes=") || line.startsWith("rx_bytes="))
                                    .collect(Collectors.joining(", ")));
                }
                return request(uapi.socketPath(), "get=1\n\n");
            } finally { // the channels close their ends of the pairs before the pairs close the rest
                teardownA.runAll();
                teardownB.runAll();
            }
        }
    }

    /** One gateway's data plane, started with {@code tun} in place of the device, on a free port. */
    private static DataPlane start(WgQuickConfig config, GatewayOptions options, SeqPacketPair tun, Teardown teardown)
            throws Exception {
        DataPlane plane = new DataPlane(config.interfaceName(), options, teardown);
        plane.startEngine(config, EngineSetup.resolveEndpoints(config, 1));
        plane.attachTun(() -> new TunChannel(tun.queue()));
        plane.openUdp(0, 0);
        plane.applyMtuAndTick(MTU);
        return plane;
    }

    /** An IPv4 UDP datagram from {@code from}:40000 to {@code to}:9 with a valid header checksum (UDP's left 0). */
    static byte[] ipv4Udp(InetAddress from, InetAddress to, byte[] payload) {
        int length = 20 + 8 + payload.length;
        ByteBuffer p = ByteBuffer.allocate(length);
        p.put((byte) 0x45).put((byte) 0).putShort((short) length).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).put(from.getAddress()).put(to.getAddress());
        p.putShort((short) 40000).putShort((short) 9).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += p.getShort(i) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        p.putShort(10, (short) ~sum);
        return p.array();
    }

    /** Sends {@code request} on the UAPI socket and reads the answer, up to its blank line. */
    private static String request(Path socket, String request) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no UAPI socket at " + socket);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (!answer.toString().endsWith("\n\n") && channel.read(buffer) > 0) {
                answer.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                buffer.clear();
            }
            return answer.toString();
        }
    }

    /** UAPI's view of a rehearsal gateway: the engine and the port; the mark stays 0. */
    private record Device(DataPlane dataPlane) implements UapiDevice {
        @Override
        public Engine engine() {
            return dataPlane.engine();
        }

        @Override
        public int listenPort() {
            return dataPlane.listenPort();
        }

        @Override
        public void setListenPort(int port) throws java.net.BindException {
            dataPlane.rebind(port);
        }

        @Override
        public int fwmark() {
            return 0;
        }

        @Override
        public void setFwmark(int mark) {
        }
    }
}
