package io.wgate.server.cli;

import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.StartRehearsal;
import io.wgate.server.net.HostLinks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
 * the gateway's start without TUN and host network ({@link StartRehearsal}). Everything it creates is in a temporary directory, removed at the end.
 *
 * <p>{@code java -XX:AOTCacheOutput=wgate.aot -cp wgate.jar io.wgate.server.cli.AotTraining}
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", WgateLogManager.class.getName());
        Logging.configure("error");
        Path dir = Files.createTempDirectory("wgate-aot-");
        try {
            String answer = rehearse(dir);
            if (!answer.contains("errno=0")) {
                throw new IllegalStateException("the rehearsal's UAPI get answered " + answer);
            }
        } finally {
            removeAll(dir);
        }
        System.exit(0);
    }

    /** One rehearsal in {@code dir}; the UAPI get's answer. */
    static String rehearse(Path dir) throws Exception {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        String privateKey = key("genkey", "");
        String peerKey = key("pubkey", key("genkey", ""));
        Path conf = dir.resolve("wgaot0.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = " + privateKey + "\nAddress = 192.0.2.1/24\n"
                + "ListenPort = 0\nMTU = 1420\n\n[Peer]\nPublicKey = " + peerKey + "\nAllowedIPs = 192.0.2.0/24\n"
                + "Endpoint = 127.0.0.1:9\nPersistentKeepalive = 25\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));

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
        return StartRehearsal.run(config, arguments.options(), Files.createDirectory(dir.resolve("uapi")));
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
