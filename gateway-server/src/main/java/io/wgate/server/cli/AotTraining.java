package io.wgate.server.cli;

import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.StartRehearsal;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkPlan;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.net.NetStateStore;
import io.wgate.server.uapi.DeviceStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

/**
 * The training run of the launcher's AOT cache ({@code ./wgate}, JEP 483/514/515): walks a {@code wgate up} as far
 * as it goes without root, the network or the host's run directories, so that the classes it loads and links (and
 * the profiles of what it runs) are in the cache for the real start: key commands, the arguments and the config
 * file, the background parent's checks and command line, one log line (its timestamp's java.time classes), then
 * two gateways' start and a first packet between them without TUN device and host network ({@link StartRehearsal}).
 * Everything it creates is in a temporary directory, removed at the end.
 *
 * <p>{@code java -XX:AOTCacheOutput=wgate.aot -cp wgate.jar io.wgate.server.cli.AotTraining}
 */
public final class AotTraining {

    /**
     * Classes a real gateway loads that the rehearsal cannot run (the daemon's signals, systemd, lock and status
     * files, the TUN device, and the JDK classes only they use): loaded here without being initialized, so that they
     * are in the cache too: each class loaded at run time instead costs more memory than an archived one
     * (benchmarks/README.md, "Footprint"). What an idle gateway still loads from elsewhere: the JDK's JFR event
     * classes, which no cache holds, Netty's probes for SLF4J and Log4j, which are not on the class path, and a few
     * generated lambdas. AotTrainingTest checks that every name is a class.
     */
    static final List<String> REAL_START_CLASSES = List.of(
            "io.wgate.server.cli.ForegroundGateway", "io.wgate.server.cli.StopSignals",
            "io.wgate.server.cli.SystemdNotify", "io.wgate.server.cli.ShutdownLogging$Hold",
            "io.wgate.server.cli.OffloadStatus", "io.wgate.server.cli.ReloadSignal", "io.wgate.server.cli.ReloadStatus",
            "io.wgate.server.gateway.StartGuard", "io.wgate.server.gateway.StartGuard$AbortedException",
            "io.wgate.server.gateway.OutOfMemory", "io.wgate.server.gateway.GatewayDevice", "io.wgate.server.Version",
            "io.wgate.tun.TunDevice", "io.wgate.tun.TunDevice$OffloadSetter", "io.wgate.tun.TunDevice$OpenedQueue",
            "io.wgate.tun.TunException", "io.wgate.tun.Libc", "io.wgate.tun.Ifreq",
            "sun.misc.Signal", "sun.misc.Signal$InternalMiscHandler", "sun.misc.Signal$SunMiscHandler",
            "java.lang.ThreadBuilders", "java.lang.ThreadBuilders$PlatformThreadBuilder",
            "java.util.AbstractList$RandomAccessSubList", "java.util.AbstractList$SubList$1",
            "java.util.concurrent.CompletableFuture$UniHandle",
            "java.util.concurrent.CompletableFuture$Signaller", "java.util.concurrent.ForkJoinTask$Aux",
            "java.nio.file.AccessDeniedException");

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", WgateLogManager.class.getName());
        Logging.configure("error");
        Path dir = Files.createTempDirectory("wgate-aot-");
        try {
            DeviceStatus device = rehearse(dir); // a UAPI error, or a packet that did not cross, has thrown
            if (device.peers().size() != 1 || !device.peers().getFirst().hasHandshake()) {
                throw new IllegalStateException("the rehearsal's UAPI get reported no handshake with the peer");
            }
            for (String name : REAL_START_CLASSES) {
                try {
                    Class.forName(name, false, AotTraining.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    if (name.startsWith("io.wgate.")) {
                        throw e;
                    }
                    // a JDK class another JDK update renamed: that one is then loaded at run time, no more
                }
            }
        } finally {
            removeAll(dir);
        }
        System.exit(0);
    }

    /** One rehearsal in {@code dir}; the device as the UAPI get reported it. */
    static DeviceStatus rehearse(Path dir) throws Exception {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        String privateKey = key("genkey", "");
        String peerPrivateKey = key("genkey", "");
        String peerKey = key("pubkey", peerPrivateKey);
        Path conf = dir.resolve("wgaot0.conf");
        // No PersistentKeepalive: the first tick would start a handshake to port 9, and the rehearsal's packet would
        // wait 5 s for its retry after the UAPI set points A at B (the set gives the keepalive instead).
        Files.writeString(conf, "[Interface]\nPrivateKey = " + privateKey + "\nAddress = 192.0.2.1/24\n"
                + "ListenPort = 0\nMTU = 1420\n\n[Peer]\nPublicKey = " + peerKey + "\nAllowedIPs = 192.0.2.2/32\n"
                + "Endpoint = 127.0.0.1:9\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        WgQuickConfig peer = WgQuickConfig.parse("wgaot1.conf", List.of("[Interface]", "PrivateKey = " + peerPrivateKey,
                "ListenPort = 0", "[Peer]", "PublicKey = " + key("pubkey", privateKey), "AllowedIPs = 192.0.2.1/32"));

        UpCommand.Arguments arguments = UpCommand.parse(List.of(conf.toString()));
        WgQuickConfig config = WgQuickConfig.parse(conf);
        UpCommand.printWarnings(config, conf, sink);
        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        Daemon.checkCanStart(config.interfaceName(), runFiles);
        Daemon.command(arguments);
        Daemon.errorLines("wgate up: training\n");
        LogRecord logged = new LogRecord(Level.INFO, "{0}: up, UDP port {1,number,#}"); // the gateway's log lines
        logged.setParameters(new Object[] {config.interfaceName(), 51820});
        logged.setLoggerName(AotTraining.class.getName());
        sink.print(Logging.line(logged));
        HostLinks.system().exists(config.interfaceName()); // the gateway's first host command ('ip link show')
        rehearseHostNetwork(config, dir.resolve("net"));
        return StartRehearsal.run(config, peer, InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"),
                arguments.options(), Files.createDirectory(dir.resolve("uapi")));
    }

    /**
     * The gateway's host network setup and undoing, as {@code Gateway} runs them, with every command answered "done"
     * and none run; the state file goes to {@code stateDirectory}.
     */
    private static void rehearseHostNetwork(WgQuickConfig config, Path stateDirectory) throws IOException {
        LinkSetup setup = new LinkSetup(command -> CommandResult.ok(command, ""), new NetStateStore(stateDirectory));
        String name = config.interfaceName();
        setup.cleanup(name);
        setup.up(LinkPlan.of(config, List.of(InetAddress.getLoopbackAddress())));
        setup.preDown(name);
        setup.postDown(name);
    }

    private static String key(String command, String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeyCommands.run(List.of(command), new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true, StandardCharsets.US_ASCII), new PrintStream(OutputStream.nullOutputStream()));
        return out.toString(StandardCharsets.US_ASCII).strip();
    }

    private static void removeAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
