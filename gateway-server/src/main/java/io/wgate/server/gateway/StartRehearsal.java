package io.wgate.server.gateway;

import io.wgate.core.Engine;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.server.uapi.UapiClient;
import io.wgate.server.uapi.UapiDevice;
import io.wgate.server.uapi.UapiException;
import io.wgate.server.uapi.UapiLimits;
import io.wgate.server.uapi.UapiServer;
import io.wgate.tun.SeqPacketPair;
import io.wgate.tun.TunChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

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
     * @return A's device as the {@code get} on its UAPI socket reports it
     * @throws IOException   if the packet did not come out of B's TUN in time, or a UAPI set failed
     * @throws UapiException if the get failed
     */
    public static DeviceStatus run(WgQuickConfig a, WgQuickConfig b, InetAddress from, InetAddress to,
                                   GatewayOptions options, Path uapiDirectory) throws Exception {
        return run(a, b, from, to, options, uapiDirectory, PACKET_TIMEOUT);
    }

    /** {@link #run(WgQuickConfig, WgQuickConfig, InetAddress, InetAddress, GatewayOptions, Path)}, any timeout. */
    static DeviceStatus run(WgQuickConfig a, WgQuickConfig b, InetAddress from, InetAddress to,
                            GatewayOptions options, Path uapiDirectory, Duration packetTimeout) throws Exception {
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
                try (UapiClient client = UapiClient.connect(uapiDirectory, a.interfaceName())) {
                    int errno = client.set("public_key=" + HexFormat.of().formatHex(a.peers().getFirst().publicKey()
                            .bytes()) + "\nendpoint=127.0.0.1:" + planeB.listenPort()
                            + "\npersistent_keepalive_interval=25\n");
                    if (errno != 0) {
                        throw new IOException("the rehearsal's UAPI set answered errno=" + errno);
                    }
                    byte[] packet = ipv4Udp(from, to, PAYLOAD);
                    tunA.sendPacket(packet);
                    byte[] out = tunB.receivePacket(packetTimeout);
                    if (!Arrays.equals(out, packet)) {
                        PeerStatus peer = client.get().peers().getFirst();
                        throw new IOException("the rehearsal's packet did not come out of B's TUN within "
                                + packetTimeout + (out == null ? "" : " (" + out.length + " other bytes did)")
                                + "; A's peer: last_handshake_time_sec=" + peer.lastHandshakeEpochSeconds()
                                + ", tx_bytes=" + peer.txBytes() + ", rx_bytes=" + peer.rxBytes());
                    }
                    return client.get();
                }
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
