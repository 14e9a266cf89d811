package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgKey;
import io.wgate.server.demo.JavaRuntime;
import io.wgate.server.demo.KeyPair;
import io.wgate.server.demo.OfficeConfig;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wgate up CONFIG} without {@code --foreground}, the way an operator starts a gateway: two
 * namespaces joined by a veth pair on a documentation network (192.0.2.0/24), a background wgate in each.
 * {@code up} must return only once its gateway serves (pid file written, link up, UAPI answering), the
 * gateways must keep serving after {@code up} has exited (a handshake and pings through the tunnel,
 * {@code wgate show} reporting them), and {@code wgate down NAME} must stop each one and remove its
 * interface, routes, pid and state files and UAPI socket.
 */
@Privileged
@RequiresCommands("ping")
class BackgroundGatewayIT {

    private static final Pattern UP_LINE = Pattern.compile("wgate: (\\S+) is up \\(pid (\\d+), log (\\S+)\\)");
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path tmp;

    private final JavaRuntime runtime = TestRuntime.runtime();
    private final List<NetNs> namespaces = new ArrayList<>();
    private NetNs left;
    private NetNs right;
    private String leftName;
    private String rightName;
    private Path runDir;

    @BeforeEach
    void network() {
        String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        leftName = "wgt-bga" + tag;
        rightName = "wgt-bgb" + tag;
        runDir = tmp.resolve("run");
        left = NetNs.create("bgup");
        namespaces.add(left);
        right = NetNs.create("bgup");
        namespaces.add(right);
        left.ip("link", "add", "wan0", "type", "veth", "peer", "name", "wan0", "netns", right.name());
        left.ip("addr", "add", "192.0.2.1/24", "dev", "wan0");
        right.ip("addr", "add", "192.0.2.2/24", "dev", "wan0");
        left.ip("link", "set", "wan0", "up");
        right.ip("link", "set", "wan0", "up");
    }

    /**
     * Kills whatever still runs in our namespaces (a background gateway a failed test left: only this
     * test starts processes there), then deletes them and any UAPI socket of our interfaces.
     */
    @AfterEach
    void removeEverything() throws Exception {
        for (NetNs ns : namespaces) {
            CommandResult pids = new ProcessCommandRunner(Duration.ofSeconds(10))
                    .run(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "pids", ns.name()));
            for (String line : pids.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
                ProcessHandle.of(Long.parseLong(line)).ifPresent(p -> {
                    p.destroyForcibly();
                    p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
                });
            }
            ns.close();
        }
        for (String name : List.of(leftName, rightName)) {
            Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
        }
    }

    /** {@code ip netns exec NS env WGATE_RUN_DIR=DIR java ... -jar wgate.jar ARGS}. */
    private List<String> wgate(NetNs ns, String... args) {
        List<String> command = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "env", "WGATE_RUN_DIR=" + runDir));
        command.addAll(runtime.wgate(args));
        return command;
    }

    private CommandResult run(NetNs ns, String... args) throws IOException {
        return new ProcessCommandRunner(UP_TIMEOUT).run(wgate(ns, args));
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of(leftName, rightName)) {
            Path log = runDir.resolve(name + ".log");
            try {
                out.append("--- ").append(log).append(" ---\n").append(Files.readString(log)).append('\n');
            } catch (IOException e) {
                out.append("--- ").append(log).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void upReturnsOnceServingTheGatewayKeepsServingAndDownRemovesEverything() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair leftKeys = KeyPair.generate(random);
        KeyPair rightKeys = KeyPair.generate(random);
        // Each side routes a LAN behind the other into the tunnel, so that down has routes to remove.
        Path leftConfig = config(leftName, leftKeys, "172.16.1.1/24", rightKeys.publicKey(),
                List.of("172.16.1.0/24", "192.168.1.0/24"), "192.0.2.2:51820");
        Path rightConfig = config(rightName, rightKeys, "172.16.1.2/24", leftKeys.publicKey(),
                List.of("172.16.1.0/24", "10.10.10.0/24"), "192.0.2.1:51820");

        long leftPid = upInBackground(left, leftName, leftConfig);
        long rightPid = upInBackground(right, rightName, rightConfig);
        assertEquals(List.of("192.168.1.0/24"), farRoutes(left, leftName));
        assertEquals(List.of("10.10.10.0/24"), farRoutes(right, rightName));

        // The launching processes are gone; the gateways they left behind carry traffic.
        Pinger pinger = new Pinger(new Shell(), runtime);
        PingResult first = pinger.awaitReply(left.name(), "172.16.1.2", Duration.ofSeconds(20));
        assertTrue(first.received() > 0, () -> "no reply through the tunnel:\n" + first.output() + logs());
        PingResult back = pinger.ping(right.name(), "172.16.1.1", 3);
        assertTrue(back.allReplied(), () -> back.summary() + "\n" + back.output() + logs());

        CommandResult show = run(left, "show", leftName);
        assertEquals(0, show.exitCode(), show.stdout() + show.stderr());
        assertTrue(show.stdout().contains("interface: " + leftName), show.stdout());
        assertTrue(show.stdout().contains("peer: " + rightKeys.publicKey().toBase64()), show.stdout());
        assertTrue(show.stdout().contains("endpoint: 192.0.2.2:51820"), show.stdout());
        assertTrue(show.stdout().contains("latest handshake: "), "show reports no handshake:\n" + show.stdout());
        assertTrue(show.stdout().matches("(?s).*transfer: [0-9.]+ \\S+ received, [0-9.]+ \\S+ sent.*"),
                "show reports no transfer:\n" + show.stdout());
        CommandResult showAll = run(right, "show");
        assertEquals(0, showAll.exitCode(), showAll.stdout() + showAll.stderr());
        assertTrue(showAll.stdout().contains("interface: " + rightName), showAll.stdout());
        assertTrue(showAll.stdout().contains("latest handshake: "), showAll.stdout());

        down(left, leftName, leftPid);
        down(right, rightName, rightPid);
    }

    private Path config(String name, KeyPair keys, String address, WgKey peer, List<String> allowed, String endpoint)
            throws IOException {
        return new OfficeConfig(name, keys, address, 1420, 51820, peer, allowed, Optional.of(endpoint)).writeTo(tmp);
    }

    /**
     * {@code wgate up CONFIG} and checks, right after it returned and without waiting, that the gateway
     * serves: the pid it printed is in the pid file and alive, and not the launcher's; the link is up
     * with its MTU and address; the UAPI socket answers {@code show}.
     *
     * @return the gateway's pid
     */
    private long upInBackground(NetNs ns, String name, Path config) throws Exception {
        long start = System.nanoTime();
        List<String> command = wgate(ns, "up", config.toString());
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(launcher.getInputStream().readAllBytes());
        assertTrue(launcher.waitFor(UP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "up did not return");
        assertEquals(0, launcher.exitValue(), output + logs());
        System.out.printf("  wgate up %s returned after %.1f s%n", name, (System.nanoTime() - start) / 1e9);

        Matcher m = UP_LINE.matcher(output);
        assertTrue(m.find(), "up did not say it is up:\n" + output);
        assertEquals(name, m.group(1));
        long pid = Long.parseLong(m.group(2));
        assertEquals(runDir.resolve(name + ".log").toString(), m.group(3));
        assertEquals(OptionalLong.of(pid), new RunFiles(runDir).readPid(name), "pid file");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the gateway is not running");
        assertFalse(launcher.isAlive());
        assertTrue(ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of)
                        .map(args -> args.contains("--foreground") && args.contains(config.toAbsolutePath().toString()))
                        .orElse(false), "the background gateway runs up CONFIG --foreground");

        String link = ns.ip("link", "show", "dev", name);
        assertTrue(link.contains(",UP") && link.contains("mtu 1420"), link);
        assertTrue(ns.ip("-4", "addr", "show", "dev", name).contains("inet 172.16.1."), "no tunnel address");
        assertTrue(Files.exists(runDir.resolve(name + ".state")), "no network state file");
        assertTrue(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "no UAPI socket");
        CommandResult show = run(ns, "show", name);
        assertEquals(0, show.exitCode(), show.stdout() + show.stderr());
        assertTrue(show.stdout().contains("listening port: 51820"), show.stdout());
        return pid;
    }

    /** The routes into the tunnel other than the tunnel's own network. */
    private static List<String> farRoutes(NetNs ns, String name) {
        return ns.ip("-4", "route", "show", "dev", name).lines().map(l -> l.split(" ")[0])
                .filter(p -> !p.equals("172.16.1.0/24")).toList();
    }

    /** {@code wgate down NAME}: the gateway exits, and its interface, routes and run files are gone. */
    private void down(NetNs ns, String name, long pid) throws Exception {
        CommandResult down = run(ns, "down", name);
        assertEquals(0, down.exitCode(), down.stdout() + down.stderr() + logs());
        Optional<ProcessHandle> gateway = ProcessHandle.of(pid);
        if (gateway.isPresent()) {
            gateway.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface survived down");
        String routes = ns.ip("-4", "route", "show");
        assertFalse(routes.contains(name) || routes.contains("192.168.1.0/24") || routes.contains("10.10.10.0/24"),
                "routes survived down:\n" + routes);
        assertFalse(Files.exists(runDir.resolve(name + ".pid")), "pid file");
        assertFalse(Files.exists(runDir.resolve(name + ".state")), "network state file");
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "UAPI socket");
        assertTrue(ns.ip("-4", "addr", "show", "dev", "wan0").contains("192.0.2."), "down touched another link");
        CommandResult again = run(ns, "show", name);
        assertTrue(again.exitCode() != 0, "show still finds " + name + ":\n" + again.stdout());
    }
}
