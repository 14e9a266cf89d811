package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.demo.JavaRuntime;
import io.wgate.server.demo.KeyPair;
import io.wgate.server.demo.TestRuntime;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SaveConfig = true} in a {@code wgate up} file: peers added and changed with the real {@code wg set}, an
 * address added with {@code ip}, then {@code wgate down} writes them into the file (mode kept, keys not in the log),
 * and {@code wgate up} of the saved file brings them all back.
 */
@Privileged
@RequiresCommands("wg")
class SaveConfigIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path tmp;

    private final JavaRuntime runtime = TestRuntime.runtime();
    private NetNs ns;
    private String name;
    private Path runDir;
    private Path configDir;

    @BeforeEach
    void namespace() throws IOException {
        name = "wq19s" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        ns = NetNs.create("wq19s");
        runDir = tmp.resolve("run");
        configDir = Files.createDirectory(tmp.resolve("etc"));
    }

    @AfterEach
    void removeEverything() throws Exception {
        CommandResult pids = new ProcessCommandRunner(Duration.ofSeconds(10))
                .run(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "pids", ns.name()));
        for (String line : pids.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
            ProcessHandle.of(Long.parseLong(line)).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
            });
        }
        ns.close();
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
    }

    private CommandResult run(String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "env", "WGATE_RUN_DIR=" + runDir));
        line.addAll(List.of(command));
        return new ProcessCommandRunner(TIMEOUT).run(line);
    }

    private CommandResult wgate(String... args) throws IOException {
        return run(runtime.wgate(args).toArray(String[]::new));
    }

    private String log() throws IOException {
        Path log = runDir.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private static void ok(CommandResult result) {
        assertEquals(0, result.exitCode(), () -> result.command() + ": " + result.stdout() + result.stderr());
    }

    @Test
    void downWritesTheRunningConfigurationBackAndUpReadsItAgain() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair own = KeyPair.generate(random);
        String alpha = KeyPair.generate(random).publicKey().toBase64();
        String beta = KeyPair.generate(random).publicKey().toBase64();
        String added = KeyPair.generate(random).publicKey().toBase64();
        Path file = configDir.resolve(name + ".conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = 10.19.1.1/24
                SaveConfig = true

                [Peer]
                # Name = Alpha
                PublicKey = %s
                AllowedIPs = 10.19.1.2/32
                Endpoint = localhost:51999

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.19.1.3/32
                """.formatted(own.privateKey().toBase64(), alpha, beta));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        CommandResult up = wgate("up", file.toString());
        ok(up);
        assertFalse(up.stderr().contains("SaveConfig"), "a warning about SaveConfig: " + up.stderr());
        long pid = new RunFiles(runDir).readPid(name).orElseThrow();
        ok(run("wg", "set", name, "peer", added, "allowed-ips", "10.19.1.4/32", "persistent-keepalive", "0"));
        ok(run("wg", "set", name, "peer", beta, "allowed-ips", "10.19.1.3/32,172.16.19.0/24"));
        ok(run("ip", "address", "add", "10.19.1.10/24", "dev", name));

        down(pid);
        String saved = Files.readString(file);
        assertEquals("""
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = 10.19.1.1/24, 10.19.1.10/24
                SaveConfig = true

                [Peer]
                # Name = Alpha
                PublicKey = %s
                AllowedIPs = 10.19.1.2/32
                Endpoint = localhost:51999

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.19.1.3/32, 172.16.19.0/24

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.19.1.4/32
                """.formatted(own.privateKey().toBase64(), alpha, beta, added), saved);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(configDir)) {
            assertEquals(List.of(file), files.toList(), "a temporary file was left");
        }
        String log = log();
        assertTrue(log.contains("SaveConfig: wrote the running configuration (3 peer(s))"), log);
        assertFalse(log.contains(own.privateKey().toBase64()) || log.contains(own.privateKey().toHex()),
                "the private key is in the log");

        long again = startFrom(file);
        CommandResult peers = run("wg", "show", name, "allowed-ips");
        ok(peers);
        assertTrue(peers.stdout().contains(added) && peers.stdout().contains("172.16.19.0/24"), peers.stdout());
        assertTrue(ns.ip("-4", "addr", "show", "dev", name).contains("10.19.1.10/24"), "saved address not applied");
        down(again);
    }

    private long startFrom(Path file) throws IOException {
        ok(wgate("up", file.toString()));
        OptionalLong pid = new RunFiles(runDir).readPid(name);
        assertTrue(pid.isPresent(), "no pid file");
        return pid.getAsLong();
    }

    /** {@code wgate down NAME}: the gateway exits; no link, socket, pid or state file is left. */
    private void down(long pid) throws Exception {
        CommandResult down = wgate("down", name);
        assertEquals(0, down.exitCode(), () -> down.stdout() + down.stderr());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(15, TimeUnit.SECONDS).join());
        assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface survived down");
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "UAPI socket");
        assertFalse(Files.exists(runDir.resolve(name + ".pid")), "pid file");
        assertFalse(Files.exists(runDir.resolve(name + ".state")), "network state file");
    }
}
