package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wgate.server.demo.JavaRuntime;
import io.wgate.server.demo.KeyPair;
import io.wgate.server.demo.PingResult;
import io.wgate.server.demo.Pinger;
import io.wgate.server.demo.Shell;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wg-quick drives wgate: the real {@code wg-quick} from wireguard-tools with
 * {@code WG_QUICK_USERSPACE_IMPLEMENTATION} pointing at the repository's {@code wgate-userspace} script, against
 * wireguard-go brought up by wg-quick on the other side of a veth pair (192.0.2.0/24, MTU 9000, in two namespaces).
 *
 * <p>wg-quick falls back to a userspace implementation only when {@code ip link add IF type wireguard} fails and
 * the kernel has no {@code wireguard} module ({@code add_if} in {@code wg-quick}); on a kernel with the module
 * loaded it would make a kernel interface instead, so this test needs a kernel without it (as CI's has: no
 * {@code /sys/module/wireguard}); elsewhere it skips, saying so (with {@code CI=true} it fails).
 */
@Privileged
@RequiresCommands({"wg-quick", "wg", "wireguard-go", "ping"})
class WgQuickUserspaceIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(150);
    private static final Path UAPI_DIR = Path.of("/var/run/wireguard");

    @TempDir
    Path tmp;

    private final JavaRuntime runtime = TestRuntime.runtime();
    private final List<NetNs> namespaces = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private NetNs left;
    private NetNs right;
    private String leftName;
    private String rightName;
    private Path runDir;

    @BeforeEach
    void network() {
        requireNoKernelWireguard();
        String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        leftName = "wq19l" + tag;
        rightName = "wq19r" + tag;
        names.addAll(List.of(leftName, rightName));
        runDir = tmp.resolve("run");
        left = NetNs.create("wq19");
        namespaces.add(left);
        right = NetNs.create("wq19");
        namespaces.add(right);
        left.ip("link", "add", "wan0", "mtu", "9000", "type", "veth", "peer", "name", "wan0", "mtu", "9000", "netns",
                right.name());
        left.ip("addr", "add", "192.0.2.1/24", "dev", "wan0");
        right.ip("addr", "add", "192.0.2.2/24", "dev", "wan0");
        left.ip("link", "set", "wan0", "up");
        right.ip("link", "set", "wan0", "up");
    }

    /** wg-quick's condition for using {@code WG_QUICK_USERSPACE_IMPLEMENTATION} at all (see the class comment). */
    private static void requireNoKernelWireguard() {
        if (Files.exists(Path.of("/sys/module/wireguard"))) {
            String why = "the kernel's wireguard module is loaded, so wg-quick would make a kernel interface and never"
                    + " run wgate-userspace";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
    }

    /** Kills whatever still runs in our namespaces (only this test starts processes there), then removes them. */
    @AfterEach
    void removeEverything() throws Exception {
        for (NetNs ns : namespaces) {
            for (long pid : pidsIn(ns)) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
                });
            }
            ns.close();
        }
        for (String name : names) {
            Files.deleteIfExists(UAPI_DIR.resolve(name + ".sock"));
        }
    }

    private static List<Long> pidsIn(NetNs ns) throws IOException {
        CommandResult pids = new ProcessCommandRunner(Duration.ofSeconds(10))
                .run(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "pids", ns.name()));
        return pids.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
    }

    /** The repository's {@code wgate-userspace} (the module's parent directory is the repository root). */
    private static Path userspaceScript() {
        Path script = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent()
                .resolve("wgate-userspace");
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");
        return script;
    }

    /**
     * {@code ip netns exec NS env VARIABLES COMMAND}: wgate's run files in the test's directory, the gateway JVM with
     * the test's options (Netty's leak detection), the jar under test for the launcher.
     */
    private CommandResult run(NetNs ns, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "env", "WGATE_RUN_DIR=" + runDir,
                "WGATE_JAVA_OPTS=" + gatewayJvmOptions(),
                "WG_QUICK_USERSPACE_IMPLEMENTATION=" + userspaceScript()));
        line.addAll(List.of(command));
        return new ProcessCommandRunner(COMMAND_TIMEOUT).run(line);
    }

    /** The options failsafe gives the gateways it starts ({@link JavaRuntime#GATEWAY_OPTIONS_PROPERTY}). */
    private static String gatewayJvmOptions() {
        return System.getProperty(JavaRuntime.GATEWAY_OPTIONS_PROPERTY, "").strip();
    }

    private CommandResult wireguardGo(NetNs ns, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "env", "WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go"));
        line.addAll(List.of(command));
        return new ProcessCommandRunner(COMMAND_TIMEOUT).run(line);
    }

    private static String show(CommandResult result) {
        return "exit " + result.exitCode() + "\n" + result.stdout() + result.stderr();
    }

    private String log() {
        Path log = runDir.resolve(leftName + ".log");
        try {
            return "\n--- " + log + " ---\n" + Files.readString(log);
        } catch (IOException e) {
            return "\n--- " + log + ": " + e.getMessage();
        }
    }

    private Path config(String name, KeyPair own, String address, KeyPair peer, String peerAddress,
                        String endpoint, boolean saveConfig) throws IOException {
        Path file = tmp.resolve(name + ".conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                Address = %s/24
                %s
                [Peer]
                PublicKey = %s
                AllowedIPs = %s/32
                Endpoint = %s
                """.formatted(own.privateKey().toBase64(), address, saveConfig ? "SaveConfig = true\n" : "",
                peer.publicKey().toBase64(), peerAddress, endpoint));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void wgQuickUpSaveAndDownWithWgateAgainstWireguardGo() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair leftKeys = KeyPair.generate(random);
        KeyPair rightKeys = KeyPair.generate(random);
        Path leftConfig = config(leftName, leftKeys, "10.19.0.1", rightKeys, "10.19.0.2", "192.0.2.2:51820", true);
        Path rightConfig = config(rightName, rightKeys, "10.19.0.2", leftKeys, "10.19.0.1", "192.0.2.1:51820", false);

        long pid = wgQuickUp(leftConfig);
        CommandResult goUp = wireguardGo(right, "wg-quick", "up", rightConfig.toString());
        assertEquals(0, goUp.exitCode(), show(goUp));

        // wg-quick set the MTU from the veth's (9000 - 80); the tunnel follows it: large packets, no fragments.
        assertTrue(left.ip("link", "show", "dev", leftName).contains("mtu 8920"), left.ip("link", "show"));
        Pinger pinger = new Pinger(new Shell(), runtime);
        PingResult first = pinger.awaitReply(left.name(), "10.19.0.2", Duration.ofSeconds(20));
        assertTrue(first.received() > 0, () -> "no reply through the tunnel:\n" + first.output() + log());
        awaitLog("the link's MTU is now 8920");
        CommandResult big = run(left, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-M", "do", "-s", "8000",
                "10.19.0.2");
        assertEquals(0, big.exitCode(), () -> show(big) + log());

        // wg set adds a peer; wg-quick save writes it into the file (wg showconf over wgate's UAPI socket).
        String added = KeyPair.generate(random).publicKey().toBase64();
        CommandResult set = run(left, "wg", "set", leftName, "peer", added, "allowed-ips", "10.19.0.3/32",
                "persistent-keepalive", "25");
        assertEquals(0, set.exitCode(), show(set));
        CommandResult save = run(left, "wg-quick", "save", leftConfig.toString());
        assertEquals(0, save.exitCode(), show(save));
        String saved = Files.readString(leftConfig);
        assertTrue(saved.contains("PublicKey = " + added) && saved.contains("AllowedIPs = 10.19.0.3/32")
                && saved.contains("PersistentKeepalive = 25") && saved.contains("PrivateKey = "
                + leftKeys.privateKey().toBase64()) && saved.contains("Address = 10.19.0.1/24")
                && saved.contains("SaveConfig = true"), saved);

        // The peer goes again; down (SaveConfig = true) saves that, removes the link, and wgate exits by itself.
        CommandResult remove = run(left, "wg", "set", leftName, "peer", added, "remove");
        assertEquals(0, remove.exitCode(), show(remove));
        wgQuickDown(leftConfig, pid);
        String afterDown = Files.readString(leftConfig);
        assertFalse(afterDown.contains(added), afterDown);
        assertTrue(afterDown.contains("PublicKey = " + rightKeys.publicKey().toBase64()), afterDown);

        // The saved file brings the tunnel up again.
        long again = wgQuickUp(leftConfig);
        PingResult second = pinger.awaitReply(left.name(), "10.19.0.2", Duration.ofSeconds(20));
        assertTrue(second.received() > 0, () -> "no reply after up with the saved file:\n" + second.output() + log());
        wgQuickDown(leftConfig, again);

        CommandResult goDown = wireguardGo(right, "wg-quick", "down", rightConfig.toString());
        assertEquals(0, goDown.exitCode(), show(goDown));
    }

    /** {@code wg-quick up} through wgate-userspace: returns once the gateway serves; its pid. */
    private long wgQuickUp(Path config) throws Exception {
        CommandResult up = run(left, "wg-quick", "up", config.toString());
        assertEquals(0, up.exitCode(), () -> show(up) + log());
        assertTrue(up.stderr().contains("[#] " + userspaceScript() + " " + leftName), show(up));
        assertTrue(Files.exists(UAPI_DIR.resolve(leftName + ".sock")), "no UAPI socket");
        OptionalLong pid = new RunFiles(runDir).readPid(leftName);
        assertTrue(pid.isPresent(), "no pid file");
        assertTrue(ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false), "no gateway process");
        String link = left.ip("link", "show", "dev", leftName);
        assertTrue(link.contains(",UP"), link);
        return pid.getAsLong();
    }

    /** {@code wg-quick down}: the gateway exits, and nothing of it is left (link, socket, pid file, process). */
    private void wgQuickDown(Path config, long pid) throws Exception {
        CommandResult down = run(left, "wg-quick", "down", config.toString());
        assertEquals(0, down.exitCode(), () -> show(down) + log());
        assertTrue(down.stderr().contains("[#] wg showconf " + leftName), "SaveConfig did not save:\n" + show(down));
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(15, TimeUnit.SECONDS).join());
        assertNothingLeft(left, leftName);
    }

    private void assertNothingLeft(NetNs ns, String name) throws IOException {
        assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface survived");
        assertFalse(Files.exists(UAPI_DIR.resolve(name + ".sock")), "UAPI socket left");
        assertFalse(Files.exists(runDir.resolve(name + ".pid")), "pid file left");
        assertFalse(Files.exists(runDir.resolve(name + ".state")), "network state file left");
        assertEquals(List.of(), pidsIn(ns), "processes left in the namespace");
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log().contains(text)) {
            assertTrue(System.nanoTime() - deadline < 0, () -> "no '" + text + "' in the log" + log());
            Thread.sleep(100);
        }
    }

    /**
     * wireguard-go's contract without wg-quick: {@code wgate-userspace -f IFNAME} stays in the foreground with an
     * unconfigured interface (no key, no peers, link down, MTU 1420), and exits when its socket file is deleted.
     */
    @Test
    void inTheForegroundItServesAnUnconfiguredInterfaceUntilItsSocketIsDeleted() throws Exception {
        List<String> line = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                left.name(), "env", "WGATE_RUN_DIR=" + runDir,
                "WGATE_JAVA_OPTS=" + gatewayJvmOptions(),
                userspaceScript().toString(), "-f", leftName));
        Path output = tmp.resolve("foreground.out");
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Path socket = UAPI_DIR.resolve(leftName + ".sock");
            long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
            while (new RunFiles(runDir).readPid(leftName).isEmpty()) {
                assertTrue(process.isAlive(), () -> "exited: " + readQuietly(output));
                assertTrue(System.nanoTime() - deadline < 0, "did not come up: " + readQuietly(output));
                Thread.sleep(100);
            }
            assertTrue(Files.exists(socket));
            CommandResult wg = run(left, "wg", "show", leftName);
            assertEquals(0, wg.exitCode(), show(wg));
            assertTrue(wg.stdout().contains("interface: " + leftName) && !wg.stdout().contains("public key")
                    && !wg.stdout().contains("peer:"), wg.stdout());
            String link = left.ip("link", "show", "dev", leftName);
            assertTrue(link.contains("mtu 1420") && !link.contains(",UP"), link);

            Files.delete(socket);
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "still running after its socket was deleted");
            assertNothingLeft(left, leftName);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
