package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.net.CommandResult;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/systemd/wgate@.service} as systemd would take it, on a machine whose PID 1 need not be systemd:
 * {@code systemd-analyze security --offline=true} rates it at most {@value #MAX_EXPOSURE}, {@code systemd-analyze
 * verify} accepts it in the installed layout ({@code deploy/package/stage.sh}, with this machine's own units for the
 * targets it names), and every system call that the installed gateway, its {@code ip}/{@code nft} hooks and
 * {@code wgate reload} (the unit's {@code ExecReload}) make, traced with {@code strace -f}, is one the unit's
 * {@code SystemCallFilter} allows. That run also has the parts of the unit's sandbox that decide whether the gateway
 * works at all: root with only {@code CAP_NET_ADMIN} and no new privileges ({@code setpriv}, as
 * {@code CapabilityBoundingSet} and {@code NoNewPrivileges}), and a read-only {@code /proc/sys} (a mount namespace,
 * as {@code ProtectKernelTunables}) where {@code src_valid_mark} was set beforehand, as {@code /etc/sysctl.d} does.
 */
class SystemdUnitIT {

    /** The issue's bound for {@code systemd-analyze security}: "OK" and below. */
    static final double MAX_EXPOSURE = 3.0;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @TempDir
    Path tmp;

    /** The repository root: the module's parent. */
    private static Path root() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    }

    private static Path unit() {
        return root().resolve("deploy/systemd/wgate@.service");
    }

    private static CommandResult run(List<String> command) throws IOException {
        return new ProcessCommandRunner(TIMEOUT).run(command);
    }

    /** {@code deploy/package/stage.sh OUT}: the layout the .deb installs, with the built jar. */
    private Path staged() throws IOException {
        Path out = tmp.resolve("staged");
        CommandResult stage = new ProcessCommandRunner(TIMEOUT).run(List.of("env",
                "JAVA_HOME=" + System.getProperty("java.home"), root().resolve("deploy/package/stage.sh").toString(),
                out.toString()));
        assertEquals(0, stage.exitCode(), stage.stdout() + stage.stderr());
        assertTrue(Files.isExecutable(out.resolve("usr/bin/wgate")), "stage.sh made no usr/bin/wgate");
        return out;
    }

    @Test
    @RequiresCommands("systemd-analyze")
    void securityExposureIsAtMostThree() throws Exception {
        CommandResult security = run(List.of("systemd-analyze", "security", "--offline=true",
                "--threshold=" + (int) (MAX_EXPOSURE * 10), unit().toString()));

        String out = security.stdout() + security.stderr();
        Matcher m = Pattern.compile("Overall exposure level for wgate@\\S*\\.service: (\\d+\\.\\d)").matcher(out);
        assertTrue(m.find(), out);
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= MAX_EXPOSURE, "exposure " + exposure + " > " + MAX_EXPOSURE + ":\n" + out);
        assertEquals(0, security.exitCode(), out);
    }

    @Test
    @RequiresCommands({"systemd-analyze", "cp"})
    void verifyAcceptsTheUnitInTheInstalledLayout() throws Exception {
        Path tree = staged();
        Path units = tree.resolve("usr/lib/systemd/system");
        Files.createDirectories(units.getParent());
        // The targets the unit orders itself after and installs into, as this machine's systemd ships them.
        Path hostUnits = Path.of("/usr/lib/systemd/system");
        assertTrue(Files.isDirectory(hostUnits), hostUnits + " is missing: install systemd");
        CommandResult copy = run(List.of("cp", "-a", hostUnits.toString(), units.getParent().toString()));
        assertEquals(0, copy.exitCode(), copy.stderr());
        Files.copy(unit(), units.resolve("wgate@.service"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        CommandResult verify = run(List.of("systemd-analyze", "verify", "--root=" + tree, "wgate@main-office.service"));

        assertEquals(0, verify.exitCode(), verify.stdout() + verify.stderr());
        assertEquals("", verify.stdout() + verify.stderr(), "warnings (unknown keys, bad values, missing files)");

        // And verify does look: without an executable /usr/bin/wgate it fails.
        Files.setPosixFilePermissions(tree.resolve("usr/bin/wgate"), PosixFilePermissions.fromString("rw-r--r--"));
        CommandResult broken = run(List.of("systemd-analyze", "verify", "--root=" + tree, "wgate@main-office.service"));
        assertTrue(broken.exitCode() != 0 && broken.stderr().contains("/usr/bin/wgate"), broken.stderr());
    }

    @Test
    @Privileged
    @RequiresCommands({"systemd-analyze", "strace", "nft", "setpriv", "unshare", "mount", "sysctl"})
    void theSystemCallFilterAllowsEverythingTheGatewayItsHooksAndReloadCall() throws Exception {
        Set<String> allowed = allowedSystemCalls();
        Path wgate = staged().resolve("usr/bin/wgate");
        String name = "wgt-sd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Path config = tmp.resolve(name + ".conf");
        // A full tunnel (policy routing, nft, src_valid_mark) with hooks that call ip and nft, as real ones do.
        Files.writeString(config, """
                [Interface]
                PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=
                Address = 172.16.1.1/24
                ListenPort = 51820
                PostUp = ip -4 route show dev %i >/dev/null && nft list tables >/dev/null
                PostDown = ip -4 address show >/dev/null && nft list tables >/dev/null && echo post-down-ok

                [Peer]
                PublicKey = kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=
                Endpoint = 203.0.113.2:51820
                AllowedIPs = 0.0.0.0/0
                """);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path runDir = tmp.resolve("run");
        Path log = tmp.resolve("gateway.log");
        try (NetNs ns = NetNs.create("sysdunit");
             NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
            // The peer's endpoint is on a link of the namespace's own, so that handshake initiations leave.
            ns.ip("link", "add", "wgt-sd-v0", "type", "veth", "peer", "name", "wgt-sd-v1");
            ns.ip("address", "add", "203.0.113.1/24", "dev", "wgt-sd-v0");
            ns.ip("link", "set", "wgt-sd-v0", "up");
            ns.ip("link", "set", "wgt-sd-v1", "up");
            ns.exec("sysctl", "-q", "net.ipv4.conf.all.src_valid_mark=1");
            List<String> environment = List.of("ip", "netns", "exec", ns.name(),
                    "unshare", "--mount", "--propagation", "private", "sh", "-c", "mount --bind /proc/sys /proc/sys"
                            + " && mount -o remount,bind,ro /proc/sys && exec \"$@\"", "sh",
                    "setpriv", "--bounding-set=-all,+net_admin", "--inh-caps=-all", "--no-new-privs",
                    "env", "WGATE_RUN_DIR=" + runDir, "LOG_LEVEL=info", SystemdNotify.VARIABLE + "=" + systemd.name());
            // ExecStart, under strace: -f follows the JVM's threads and the hooks; -c counts calls by name.
            List<String> start = new ArrayList<>(environment);
            start.addAll(List.of("strace", "-f", "-qq", "-c", "-o", tmp.resolve("gateway.strace").toString(),
                    wgate.toString(), "up", config.toString(), "--foreground"));
            Process gateway = new ProcessBuilder(start).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                assertTrue(systemd.next(Duration.ofSeconds(120), "READY=1").startsWith("READY=1\n"),
                        Files.readString(log));
                ns.run("ping", "-c", "1", "-W", "1", "192.168.1.1"); // through the tunnel: a handshake initiation
                ns.run("bash", "-c", "echo not-wireguard > /dev/udp/127.0.0.1/51820"); // a datagram to drop
                for (List<String> command : List.of(List.of("show", name), List.of("reload", name))) {
                    List<String> traced = new ArrayList<>(environment);
                    traced.addAll(List.of("strace", "-f", "-qq", "-c", "-o",
                            tmp.resolve(command.getFirst() + ".strace").toString(), wgate.toString()));
                    traced.addAll(command);
                    CommandResult result = run(traced);
                    assertEquals(0, result.exitCode(), command + ": " + result.stdout() + result.stderr());
                }
                ProcessHandle java = ProcessHandle.of(Long.parseLong(Files.readString(runDir.resolve(name + ".pid"))
                        .strip())).orElseThrow();
                String status = Files.readString(Path.of("/proc", Long.toString(java.pid()), "status"));
                assertTrue(status.contains("\nCapBnd:\t0000000000001000\n"), "not CAP_NET_ADMIN alone:\n" + status);
                assertTrue(Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "mountinfo")).stream()
                        .map(l -> l.split(" ")).anyMatch(f -> f[4].equals("/proc/sys") && f[5].startsWith("ro")),
                        "/proc/sys is not read-only for the gateway");
                assertTrue(java.destroy(), "SIGTERM"); // what systemctl stop sends
                assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
                assertEquals(0, gateway.exitValue(), "a clean stop:\n" + Files.readString(log));
                assertTrue(Files.readString(log).contains("PostDown " + name + ": post-down-ok"), Files.readString(log));
            } finally {
                gateway.destroyForcibly();
            }
        }

        Map<String, Set<String>> outsideFilter = new HashMap<>();
        for (String trace : List.of("gateway", "show", "reload")) {
            Set<String> used = tracedSystemCalls(tmp.resolve(trace + ".strace"));
            assertTrue(used.contains("sendto") || !trace.equals("gateway"), "the trace misses calls: " + used);
            Set<String> extra = new TreeSet<>(used);
            extra.removeAll(allowed);
            if (!extra.isEmpty()) {
                outsideFilter.put(trace, extra);
            }
        }
        assertEquals(Map.of(), outsideFilter, "system calls the unit's SystemCallFilter refuses (with EPERM)");
    }

    /** The system calls the unit's {@code SystemCallFilter=} lines allow, groups expanded. */
    private static Set<String> allowedSystemCalls() throws IOException {
        List<String> filter = new ArrayList<>();
        for (String line : Files.readAllLines(unit())) {
            if (line.startsWith("SystemCallFilter=")) {
                filter.addAll(List.of(line.substring("SystemCallFilter=".length()).strip().split("\\s+")));
            }
        }
        assertFalse(filter.isEmpty(), "the unit has no SystemCallFilter");
        assertTrue(filter.stream().noneMatch(f -> f.startsWith("~")), "only allow lists are handled here: " + filter);
        CommandResult groups = run(List.of("systemd-analyze", "syscall-filter"));
        assertEquals(0, groups.exitCode(), groups.stderr());
        Map<String, List<String>> members = new HashMap<>();
        List<String> current = null;
        for (String line : groups.stdout().lines().toList()) {
            if (line.startsWith("@")) {
                current = new ArrayList<>();
                members.put(line.strip(), current);
            } else if (current != null && line.startsWith("    ") && !line.strip().startsWith("#")) {
                current.add(line.strip());
            } else if (line.isBlank()) {
                current = null;
            }
        }
        Set<String> allowed = new TreeSet<>();
        filter.forEach(f -> expand(f, members, allowed));
        return allowed;
    }

    private static void expand(String entry, Map<String, List<String>> members, Set<String> into) {
        if (!entry.startsWith("@")) {
            into.add(entry);
            return;
        }
        List<String> group = members.get(entry);
        assertTrue(group != null, "systemd-analyze syscall-filter does not know " + entry);
        group.forEach(member -> expand(member, members, into));
    }

    /** The names in the last column of an {@code strace -c} table. */
    private static Set<String> tracedSystemCalls(Path summary) throws IOException {
        Set<String> used = new TreeSet<>();
        for (String line : Files.readAllLines(summary)) {
            String[] fields = line.strip().split("\\s+");
            String last = fields[fields.length - 1];
            if (fields.length >= 5 && last.matches("[a-z0-9_]+") && !last.equals("total")
                    && !last.equals("syscall")) {
                used.add(last);
            }
        }
        assertFalse(used.isEmpty(), summary + " holds no strace summary");
        return used;
    }
}
