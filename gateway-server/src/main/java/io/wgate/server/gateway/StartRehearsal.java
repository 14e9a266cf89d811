package io.wgate.server.gateway;

import io.wgate.core.Engine;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.UapiDevice;
import io.wgate.server.uapi.UapiLimits;
import io.wgate.server.uapi.UapiServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The gateway's start as far as it goes without privileges: AEAD, engine, event loop and workers, the UDP socket
 * (a free port), a datagram from loopback through the pipeline (dropped: it authenticates as nothing), the UAPI
 * server in a directory of the caller's and one {@code get} on it; then the teardown. No TUN device, no host network
 * change, no traffic beyond loopback. The training run of the launcher's AOT cache
 * ({@link io.wgate.server.cli.AotTraining}) runs it, so that the classes of a real start are in the cache.
 */
public final class StartRehearsal {

    private StartRehearsal() {
    }

    /** Rehearses a start of {@code config}'s gateway, serving UAPI in {@code uapiDirectory}; returns the get answer. */
    public static String run(WgQuickConfig config, GatewayOptions options, Path uapiDirectory) throws Exception {
        String name = config.interfaceName();
        Teardown teardown = new Teardown(name);
        try {
            DataPlane dataPlane = new DataPlane(name, options, teardown);
            dataPlane.startEngine(config, EngineSetup.resolveEndpoints(config, 1));
            dataPlane.openUdp(0, 0);
            UapiServer uapi = UapiServer.start(uapiDirectory, name, new Device(dataPlane), dataPlane.loop(),
                    UapiLimits.DEFAULTS);
            teardown.push("close the UAPI socket", uapi);
            try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] junk = new byte[148];
                junk[0] = 1; // an initiation whose MACs are wrong: parsed, checked, dropped
                socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(),
                        dataPlane.listenPort()));
            }
            return get(uapi.socketPath());
        } finally {
            teardown.runAll();
        }
    }

    private static String get(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("get=1\n\n".getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (!answer.toString().endsWith("\n\n") && channel.read(buffer) > 0) {
                answer.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                buffer.clear();
            }
            return answer.toString();
        }
    }

    /** UAPI's view of the rehearsal: the engine and the port; the mark stays 0. */
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
