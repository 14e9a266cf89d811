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
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wgate up} where the gateway may not create its interface, run for real: as {@code nobody} (no
 * capabilities) with a run directory it may write, so that it gets as far as creating the TUN device,
 * and as root in a mount namespace without {@code /dev/net/tun}. Each must end with the message saying
 * exactly what to grant, a non-zero exit, and nothing left behind: no interface, no pid or state file,
 * no UAPI socket (the lock file, which is never deleted, and the background log may stay). Runs in a
 * network namespace of the test's own, so that even a wrongly successful start touches nothing else.
 */
@Privileged
@RequiresCommands({"setpriv", "unshare"})
class MissingPrivilegesIT {

    /** {@code TunException}'s advice for EPERM from TUNSETIFF. */
    static final String CAP_NET_ADMIN_ADVICE = "TUNSETIFF failed with EPERM (Operation not permitted); the process"
            + " needs CAP_NET_ADMIN: run it as root, pass --cap-add NET_ADMIN to docker run, or set"
            + " AmbientCapabilities=CAP_NET_ADMIN in the systemd unit";
    /**
     * {@code TunException}'s advice when nobody may not even open the clone device: where {@code /dev/net/tun} is
     * mode 0600 rather than the usual 0666 (some machine images ship it so), or a device cgroup or security module
     * refuses it, the open fails before TUNSETIFF does.
     */
    static final String DEVICE_ACCESS_ADVICE = "cannot open /dev/net/tun: EACCES (Permission denied); the process may"
            + " not open it: the process needs CAP_NET_ADMIN: run it as root, pass --cap-add NET_ADMIN to docker run,"
            + " or set AmbientCapabilities=CAP_NET_ADMIN in the systemd unit, and the device node must be readable"
            + " and writable (usually mode 0666)";
    /** {@code TunException}'s advice for ENOENT from opening the clone device. */
    static final String DEVICE_ADVICE = "cannot open /dev/net/tun: ENOENT (No such file or directory); the TUN device"
            + " node is missing: load the tun kernel module (modprobe tun) or, in a container, pass the device"
            + " through (docker run --device /dev/net/tun)";
    static final String NOBODY = "65534";

    @TempDir
    Path tmp;

    private JavaRuntime runtime;
    private NetNs ns;
    private String name;
    private Path runDir;
    private Path config;

    @BeforeEach
    void setUp() throws IOException {
        ns = NetNs.create("noperm");
        name = "wgt-np" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        // nobody must reach the jar, the config and the run directory: all readable, the run directory writable.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A copy of the jar: the checkout may sit below a directory nobody cannot enter (such as /root).
        Path jar = Files.copy(TestRuntime.runtime().jar(), tmp.resolve("wgate.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        runtime = JavaRuntime.withJar(jar);
        runDir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/io/wgate/server/config/main-office.conf")) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
        lines.remove("Endpoint = 203.0.113.2:51820");
        config = tmp.resolve(name + ".conf");
        Files.write(config, lines);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void removeEverything() throws IOException {
        ns.close();
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
    }

    /** {@code ip netns exec NS setpriv --reuid=nobody ... env WGATE_RUN_DIR=DIR COMMAND}. */
    private List<String> asNobody(List<String> command) {
        List<String> line = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "env", "WGATE_RUN_DIR=" + runDir));
        line.addAll(command);
        return line;
    }

    private static CommandResult run(List<String> command) throws IOException {
        return new ProcessCommandRunner(Duration.ofSeconds(90)).run(command);
    }

    @Test
    void nobodyIsToldToGrantCapNetAdminInTheBackgroundAndInTheForeground() throws Exception {
        // Not vacuous: the user really runs without any capability, and may write the run directory.
        CommandResult status = run(asNobody(List.of("sh", "-c", "grep CapEff /proc/self/status; id -u;"
                + " touch " + runDir + "/probe && rm " + runDir + "/probe && echo writable;"
                + " test -r " + runtime.jar() + " && test -x " + runtime.java() + " && echo runnable")));
        assertEquals("CapEff:\t0000000000000000\n" + NOBODY + "\nwritable\nrunnable\n", status.stdout(),
                "nobody must lack capabilities, write the run directory and run java -jar " + runtime.jar() + ": "
                        + status.stderr());

        CommandResult background = run(asNobody(runtime.wgate("up", config.toString())));
        assertEquals(1, background.exitCode(), background.stdout() + background.stderr());
        assertTrue(toldToGrant(background.stderr()), background.stderr());
        assertTrue(background.stderr().contains("wgate up: the gateway exited before it came up; see "
                + runDir.resolve(name + ".log")), background.stderr());
        assertFalse(background.stdout().contains("is up"), background.stdout());
        assertNothingLeft(Set.of(name + ".lock", name + ".log"));

        CommandResult foreground = run(asNobody(runtime.wgate("up", config.toString(), "--foreground")));
        assertEquals(1, foreground.exitCode(), foreground.stdout() + foreground.stderr());
        assertTrue(toldToGrant(foreground.stderr()), foreground.stderr());
        assertNothingLeft(Set.of(name + ".lock", name + ".log"));
    }

    /**
     * Whether {@code stderr} tells nobody to grant CAP_NET_ADMIN, through whichever refusal happened: TUNSETIFF's
     * (EPERM), or the open of {@code /dev/net/tun} before it (EACCES), which some machines give {@code nobody} even
     * where the node is mode 0666 (a device cgroup or security module). Either message is matched whole.
     */
    private boolean toldToGrant(String stderr) {
        boolean ioctlRefused = stderr.contains("wgate up: " + name + ": cannot create TUN interface '" + name + "': "
                + CAP_NET_ADMIN_ADVICE);
        boolean openRefused = stderr.contains("wgate up: " + name + ": " + DEVICE_ACCESS_ADVICE);
        return ioctlRefused != openRefused;
    }

    @Test
    void nobodyIsToldThatTheConfigIsUnreadable() throws Exception {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------")); // root's, as it should be

        for (List<String> command : List.of(runtime.wgate("up", config.toString()),
                runtime.wgate("up", config.toString(), "--foreground"))) {
            CommandResult result = run(asNobody(command));
            assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
            assertEquals(List.of("wgate up: " + config + ": permission denied"), result.stderr().lines()
                    .filter(l -> l.startsWith("wgate")).toList(), result.stderr());
            assertNothingLeft(Set.of());
        }
    }

    @Test
    void downByNobodyOfAGatewayInARunDirectoryItMayNotReadSaysPermissionDenied() throws Exception {
        Path privateRun = Files.createDirectory(tmp.resolve("private-run"));
        Files.setPosixFilePermissions(privateRun, PosixFilePermissions.fromString("rwx------")); // root's, as /run/wgate
        Files.createFile(privateRun.resolve(name + ".lock"));
        List<String> down = new ArrayList<>(List.of("env", "WGATE_RUN_DIR=" + privateRun));
        down.addAll(runtime.wgate("down", name));

        CommandResult result = run(asNobody(down));

        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stderr().startsWith("wgate down: cannot open " + privateRun.resolve(name + ".lock")
                + ": permission denied (wgate needs root"), result.stderr());
    }

    @Test
    void withoutTheTunDeviceRootIsToldToProvideIt() throws Exception {
        // A mount namespace of its own where /dev/net is an empty tmpfs: the host's device stays untouched.
        List<String> command = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs wgate-test-no-tun /dev/net && test ! -e /dev/net/tun && exec \"$@\"", "sh",
                "env", "WGATE_RUN_DIR=" + runDir));
        command.addAll(runtime.wgate("up", config.toString(), "--foreground"));

        CommandResult result = run(command);

        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stderr().contains("wgate up: " + name + ": " + DEVICE_ADVICE), result.stderr());
        assertTrue(Files.exists(Path.of("/dev/net/tun")), "the host's /dev/net/tun must be untouched");
        assertNothingLeft(Set.of(name + ".lock"));
    }

    /** No interface, pid or state file, UAPI socket; in the run directory at most {@code allowed}. */
    private void assertNothingLeft(Set<String> allowed) throws IOException {
        assertFalse(ns.tryIp("link", "show", "dev", name).exitCode() == 0, "the interface was left behind");
        assertEquals("1: lo", ns.ip("-o", "link", "show").lines().map(l -> l.split(":")[0] + ":"
                + l.split(":")[1]).collect(Collectors.joining("\n")), "links in the namespace");
        assertEquals("", ns.ip("-4", "route", "show"), "routes in the namespace");
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "UAPI socket");
        Set<String> files;
        try (Stream<Path> list = Files.list(runDir)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertTrue(allowed.containsAll(files), "left in the run directory: " + files);
    }
}
