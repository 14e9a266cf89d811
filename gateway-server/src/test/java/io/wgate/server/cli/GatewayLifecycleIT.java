package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.demo.JavaRuntime;
import io.wgate.server.demo.TestRuntime;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway process's life cycle with the real executable, as an operator meets it: {@code wgate up}
 * in a network namespace of the test's own (run directory in a temporary directory through
 * {@code WGATE_RUN_DIR}), {@code kill -KILL}, {@code wgate up} again, {@code wgate down} at any moment.
 */
@Privileged
class GatewayLifecycleIT {

    @TempDir
    Path tmp;

    private final JavaRuntime runtime = TestRuntime.runtime();
    private final List<Process> gateways = new ArrayList<>();
    private NetNs ns;
    private String name;
    private Path runDir;

    @BeforeEach
    void namespace() throws IOException {
        ns = NetNs.create("lifecycle");
        name = "wgt-lc" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        runDir = tmp.resolve("run");
    }

    @AfterEach
    void removeEverything() throws Exception {
        for (Process gateway : gateways) {
            gateway.destroyForcibly();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
        ns.close();
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
    }

    /** The example Main Office config for our interface, without an endpoint, with {@code extra} [Interface] lines. */
    private Path config(List<String> extra, String... replacements) throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/io/wgate/server/config/main-office.conf")) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
        lines.remove("Endpoint = 203.0.113.2:51820");
        for (int i = 0; i < replacements.length; i += 2) {
            lines.set(lines.indexOf(replacements[i]), replacements[i + 1]);
        }
        lines.addAll(lines.indexOf("[Peer]"), extra);
        Path file = tmp.resolve(name + ".conf");
        Files.write(file, lines);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** {@code ip netns exec NS env WGATE_RUN_DIR=DIR java ... -jar wgate.jar ARGS}. */
    private List<String> wgate(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "env",
                "WGATE_RUN_DIR=" + dir));
        command.addAll(runtime.wgate(args));
        return command;
    }

    /** Starts {@code wgate up CONFIG --foreground}; {@link #awaitServing} waits for it. */
    private Process up(Path config) throws IOException {
        return up(config, List.of());
    }

    /** {@link #up(Path)} with {@code environment} ({@code KEY=VALUE}) added. */
    private Process up(Path config, List<String> environment) throws IOException {
        List<String> command = wgate(runDir, "up", config.toString(), "--foreground");
        command.addAll(command.indexOf("env") + 1, environment);
        Process gateway = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("gateway.log").toFile()))
                .start();
        gateways.add(gateway);
        return gateway;
    }

    private void awaitServing(Process gateway) throws Exception {
        RunFiles runFiles = new RunFiles(runDir);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (runFiles.readPid(name).orElse(-1) != gateway.pid()) {
            assertTrue(gateway.isAlive(), () -> "the gateway exited:\n" + log());
            assertTrue(System.nanoTime() < deadline, () -> "the gateway did not come up:\n" + log());
            Thread.sleep(50);
        }
    }

    private CommandResult run(Path dir, String... args) throws IOException {
        return new ProcessCommandRunner(Duration.ofSeconds(90)).run(wgate(dir, args));
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("gateway.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String rules() {
        return ns.exec("ip", "-4", "rule", "show");
    }

    private static void kill(Process gateway) throws InterruptedException {
        gateway.destroyForcibly();
        assertTrue(gateway.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void upAfterAKillRecoversAndDownAfterAKillRemovesEverything() throws Exception {
        Path hooks = tmp.resolve("hooks.log");
        String probe = "ip link show dev %i >/dev/null 2>&1; echo $? >> " + hooks;
        Path config = config(List.of("PreDown = " + probe, "PostDown = " + probe),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 172.16.1.0/24, 0.0.0.0/0");
        Process first = up(config);
        awaitServing(first);
        kill(first);

        Process second = up(config);
        awaitServing(second); // a crash no longer makes every later start fail
        assertEquals("1\n1\n", Files.readString(hooks), "the dead run's hooks ran before the new link existed");
        kill(second);

        CommandResult down = run(runDir, "down", name);
        assertEquals(0, down.exitCode(), down.stdout() + down.stderr());
        assertTrue(down.stdout().contains("removed what its last run left behind: host changes (routes, addresses,"
                + " rules, hooks), pid file, UAPI socket"), down.stdout());
        assertFalse(rules().contains("51820"), rules());
        assertFalse(Files.exists(runDir.resolve(name + ".pid")));
        assertFalse(Files.exists(runDir.resolve(name + ".state")));
        CommandResult show = run(runDir, "show", name);
        assertTrue(show.stderr().contains("No such file"), "show must not meet a stale socket: " + show.stderr());
    }

    @Test
    void downDuringAStartStopsItAndNothingIsLeft() throws Exception {
        Path hookPid = tmp.resolve("hook.pid");
        Path config = config(List.of("PostUp = echo $$ > " + hookPid + "; exec sleep 8"),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 0.0.0.0/0");
        Process gateway = up(config);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(hookPid) || Files.readString(hookPid).isBlank()) {
            assertTrue(gateway.isAlive() && System.nanoTime() < deadline, () -> "PostUp never ran:\n" + log());
            Thread.sleep(20);
        }
        assertFalse(Files.exists(runDir.resolve(name + ".pid")), "still starting: no pid file yet");

        CommandResult down = run(runDir, "down", name);

        assertEquals(0, down.exitCode(), down.stdout() + down.stderr() + log());
        assertTrue(gateway.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, gateway.exitValue(), "a start stopped by SIGTERM is a clean stop:\n" + log());
        long hook = Long.parseLong(Files.readString(hookPid).strip());
        assertFalse(ProcessHandle.of(hook).map(ProcessHandle::isAlive).orElse(false), "the PostUp hook survived");
        assertFalse(rules().contains("51820"), rules());
        assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface survived");
        assertFalse(Files.exists(runDir.resolve(name + ".state")));
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")));
        assertTrue(log().contains("start-up stopped"), log());
    }

    @Test
    void downLooksWhereUpKeepsItsFilesAndLeavesAnotherRunDirectorysGatewayAlone() throws Exception {
        Process gateway = up(config(List.of()));
        awaitServing(gateway);

        CommandResult elsewhere = run(tmp.resolve("other-run"), "down", name);

        assertEquals(1, elsewhere.exitCode());
        assertTrue(elsewhere.stderr().contains("no gateway named " + name + " is running; the interface " + name
                + " exists, but no wgate gateway holds"), elsewhere.stderr());
        assertTrue(gateway.isAlive());
        assertTrue(ns.exec("ip", "-4", "route", "show", "dev", name).contains("192.168.1.0/24"), "routes were stripped");
        assertTrue(Files.exists(runDir.resolve(name + ".state")), "the state lives in WGATE_RUN_DIR with the pid file");

        CommandResult down = run(runDir, "down", name);
        assertEquals(0, down.exitCode(), down.stdout() + down.stderr());
        assertTrue(gateway.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, gateway.exitValue(), "SIGTERM is a clean stop:\n" + log());
    }

    @Test
    void theGatewaysOwnTeardownIsInItsLog() throws Exception {
        Path config = config(List.of("PreDown = echo pre-down-output", "PostDown = echo post-down-failed; exit 3"));
        Process gateway = up(config);
        awaitServing(gateway);

        CommandResult down = run(runDir, "down", name);

        assertEquals(0, down.exitCode(), down.stdout() + down.stderr());
        assertTrue(gateway.waitFor(5, TimeUnit.SECONDS));
        String log = log();
        assertTrue(log.contains("PreDown " + name + ": pre-down-output"), log);
        assertTrue(log.contains("PostDown " + name + ": bash -c 'echo post-down-failed; exit 3' failed (exit 3)"), log);
        assertTrue(log.contains(name + ": run the PostDown hooks failed"), log);
    }

    @Test
    void systemdHearsReadyReloadingAndStoppingAndSigtermExitsZero() throws Exception {
        Path hooks = tmp.resolve("hooks.log");
        Path config = config(List.of("PostDown = echo post-down >> " + hooks));
        try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
            Process gateway = up(config, List.of(SystemdNotify.VARIABLE + "=" + systemd.name()));

            String ready = systemd.next(Duration.ofSeconds(60), "READY=1 after the start:\n" + log());
            assertEquals("READY=1\nSTATUS=" + name + ": up, UDP port 51820", ready);
            assertEquals(gateway.pid(), new RunFiles(runDir).readPid(name).orElse(-1), "ready means serving");
            assertTrue(ns.exec("ip", "-4", "route", "show", "dev", name).contains("192.168.1.0/24"), "routes first");

            CommandResult reload = run(runDir, "reload", name);
            assertEquals(0, reload.exitCode(), reload.stdout() + reload.stderr());
            String reloading = systemd.next(Duration.ofSeconds(5), "RELOADING=1");
            assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading"), reloading);
            assertEquals("READY=1\nSTATUS=" + name + ": reloaded, no changes",
                    systemd.next(Duration.ofSeconds(5), "READY=1 after the reload"));

            gateway.destroy(); // SIGTERM, as systemctl stop, podman stop and docker stop send

            assertEquals("STOPPING=1\nSTATUS=" + name + ": stopping",
                    systemd.next(Duration.ofSeconds(10), "STOPPING=1"));
            assertTrue(gateway.waitFor(20, TimeUnit.SECONDS), log());
            assertEquals(0, gateway.exitValue(), "SIGTERM is a clean stop, after the teardown:\n" + log());
            assertEquals("post-down\n", Files.readString(hooks));
            assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface survived");
            assertFalse(Files.exists(runDir.resolve(name + ".pid")));
            assertTrue(log().contains(name + ": SIGTERM: stopping"), log());
        }
    }

    @Test
    void aUserWithoutRootIsToldSoAtOnce() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = config(List.of());
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Process gateway = up(config);
        awaitServing(gateway);

        for (List<String> args : List.of(List.of("down", name), List.of("up", config.toString()))) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "env", "WGATE_RUN_DIR=" + runDir));
            command.addAll(runtime.wgate(args.toArray(String[]::new)));
            long start = System.nanoTime();
            CommandResult result = new ProcessCommandRunner(Duration.ofSeconds(60)).run(command);
            assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
            assertTrue(System.nanoTime() - start < 30_000_000_000L, "it waited");
            assertTrue(result.stderr().contains("cannot open " + runDir.resolve(name + ".lock") + ": permission denied"
                    + " (wgate needs root, or CAP_NET_ADMIN and a writable run directory"), result.stderr());
        }
        assertTrue(gateway.isAlive());
    }
}
