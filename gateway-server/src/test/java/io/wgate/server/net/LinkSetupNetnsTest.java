package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgQuickConfig;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LinkSetup} against the real kernel, inside a network namespace made for each test. A dummy
 * link (or, where the dummy driver is missing, a persistent TUN) stands in for the gateway's TUN.
 *
 * <p>Needs root: skipped with a reason otherwise, but failed when {@code CI=true} ({@link Privileged}).
 */
@Privileged
class LinkSetupNetnsTest {

    private static final String LINK = "wgtdummy0";

    @TempDir
    Path tmp;

    private String namespace;
    private CommandRunner host;
    private CommandRunner inNamespace;

    @BeforeEach
    void createNamespace() throws Exception {
        host = new ProcessCommandRunner(Duration.ofSeconds(20));
        namespace = "wgt-netsetup-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        host.check(List.of("ip", "netns", "add", namespace));
        inNamespace = new NamespacedCommandRunner(namespace, host);
        if (inNamespace.run(List.of("ip", "link", "add", LINK, "type", "dummy")).exitCode() != 0) {
            inNamespace.check(List.of("ip", "tuntap", "add", "dev", LINK, "mode", "tun"));
        }
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (namespace != null) {
            host.run(List.of("ip", "netns", "del", namespace));
        }
    }

    /** The example config for the stand-in link, with {@code extra} lines added to [Interface] and replacements. */
    private WgQuickConfig config(String resource, List<String> extra, String... replacements) throws Exception {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/io/wgate/server/config/" + resource)) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
        for (int i = 0; i < replacements.length; i += 2) {
            int at = lines.indexOf(replacements[i]);
            assertTrue(at >= 0, replacements[i]);
            lines.set(at, replacements[i + 1]);
        }
        lines.addAll(lines.indexOf("[Peer]"), extra);
        return WgQuickConfig.parse(resource, LINK, lines, n -> true);
    }

    private String sh(String... command) throws IOException {
        return inNamespace.check(List.of(command)).stdout();
    }

    @Test
    void mainOfficeUpAndDownLeaveNothingBehind() throws Exception {
        Path log = tmp.resolve("hooks.log");
        WgQuickConfig config = config("main-office.conf", List.of(
                "PreUp = echo pre-up %i >> " + log,
                "PostUp = echo post-up %i >> " + log,
                "PostDown = echo post-down %i >> " + log));
        NetStateStore store = new NetStateStore(tmp.resolve("state"));

        AppliedLink link = new LinkSetup(inNamespace, store)
                .up(LinkPlan.of(config, List.of(InetAddress.ofLiteral("203.0.113.2"))));

        assertEquals(1420, link.mtu());
        String addresses = sh("ip", "-4", "address", "show", "dev", LINK);
        assertTrue(addresses.contains("inet 172.16.1.1/24 "), addresses);
        assertTrue(addresses.contains("mtu 1420 "), addresses);
        assertTrue(addresses.contains(",UP"), addresses);
        String routes = sh("ip", "-4", "route", "show", "dev", LINK);
        assertTrue(routes.contains("172.16.1.0/24 proto kernel"), routes);
        assertTrue(routes.contains("192.168.1.0/24 scope link"), routes);
        assertEquals(2, routes.lines().count(), "172.16.1.0/24 must not be added a second time: " + routes);
        assertEquals("pre-up " + LINK + "\npost-up " + LINK + "\n", Files.readString(log));
        assertTrue(Files.exists(store.pathFor(LINK)));

        // 'wgate down' from another process: a new LinkSetup that only has the state file.
        assertTrue(new LinkSetup(inNamespace, new NetStateStore(tmp.resolve("state"))).down(LINK));

        assertEquals("", sh("ip", "-4", "address", "show", "dev", LINK));
        assertEquals("", sh("ip", "-4", "route", "show", "dev", LINK));
        assertTrue(Files.readString(log).endsWith("post-down " + LINK + "\n"));
        assertFalse(Files.exists(store.pathFor(LINK)));
    }

    @Test
    @RequiresCommands("nft")
    void fullTunnelAddsAndRemovesPolicyRules() throws Exception {
        WgQuickConfig config = config("satellite.conf", List.of("Address = fd00:16:1::2/64"),
                "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24", "AllowedIPs = 0.0.0.0/0, ::/0");
        String rulesBefore = sh("ip", "-4", "rule", "show") + sh("ip", "-6", "rule", "show");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));

        AppliedLink link = new LinkSetup(inNamespace, store).up(LinkPlan.of(config, List.of()));

        assertEquals(51820, link.fwMark());
        assertEquals(1420, link.mtu(), "no routes in the namespace: 1500 - 80");
        for (String family : List.of("-4", "-6")) {
            String rules = sh("ip", family, "rule", "show");
            assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
            assertTrue(rules.contains("from all lookup main suppress_prefixlength 0"), rules);
            String table = sh("ip", family, "route", "show", "table", "51820");
            assertTrue(table.startsWith("default dev " + LINK), table);
        }
        assertEquals("1", sh("sysctl", "-n", "net.ipv4.conf.all.src_valid_mark").strip());
        assertEquals("table ip wg-quick-" + LINK + "\ntable ip6 wg-quick-" + LINK + "\n", sh("nft", "list", "tables"));
        String ipv4 = sh("nft", "list", "table", "ip", "wg-quick-" + LINK);
        assertTrue(ipv4.contains("iifname != \"" + LINK + "\" ip daddr 172.16.1.2 fib saddr type != local drop"), ipv4);
        assertTrue(ipv4.contains("meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), ipv4);
        assertTrue(ipv4.contains("meta l4proto udp meta mark set ct mark"), ipv4);
        String ipv6 = sh("nft", "list", "table", "ip6", "wg-quick-" + LINK);
        assertTrue(ipv6.contains("iifname != \"" + LINK + "\" ip6 daddr fd00:16:1::2 fib saddr type != local drop"), ipv6);
        assertTrue(ipv6.contains("meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), ipv6);

        assertTrue(new LinkSetup(inNamespace, store).down(LINK));
        assertEquals("", sh("nft", "list", "tables"));
        assertEquals(rulesBefore, sh("ip", "-4", "rule", "show") + sh("ip", "-6", "rule", "show"));
        assertEquals("", sh("ip", "-4", "route", "show", "table", "51820"));
        assertEquals("", sh("ip", "address", "show", "dev", LINK).lines()
                .filter(l -> l.contains("inet") && !l.contains("fe80")).reduce("", String::concat));
    }

    @Test
    @RequiresCommands("nft")
    void aTableLeftByACrashBeforeItWasRecordedIsReplacedNotAddedTo() throws Exception {
        String stale = "wg-quick-" + LINK;
        sh("nft", "add table ip " + stale + "\nadd chain ip " + stale
                + " postmangle { type filter hook postrouting priority -150; }\nadd rule ip " + stale
                + " postmangle meta l4proto udp mark 4242 ct mark set mark");
        WgQuickConfig config = config("satellite.conf", List.of(), "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24",
                "AllowedIPs = 0.0.0.0/0");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));

        new LinkSetup(inNamespace, store).up(LinkPlan.of(config, List.of()));

        String ipv4 = sh("nft", "list", "table", "ip", stale);
        assertFalse(ipv4.contains("0x00001092"), "the stale mark 4242 survived:\n" + ipv4);
        assertEquals(1, ipv4.lines().filter(l -> l.contains("ct mark set meta mark")).count(), ipv4);
        assertEquals(1, ipv4.lines().filter(l -> l.contains("fib saddr type != local drop")).count(), ipv4);
        assertTrue(new LinkSetup(inNamespace, store).down(LINK));
        assertEquals("", sh("nft", "list", "tables"));
    }

    @Test
    void aFailingPostUpHookLeavesTheLinkAsItWas() throws Exception {
        WgQuickConfig config = config("main-office.conf", List.of("PostUp = echo boom >&2; exit 3"));
        NetStateStore store = new NetStateStore(tmp.resolve("state"));

        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> new LinkSetup(inNamespace, store).up(LinkPlan.of(config, List.of())));

        assertEquals("bash -c 'echo boom >&2; exit 3' failed (exit 3): boom", e.getMessage());
        assertEquals("", sh("ip", "-4", "address", "show", "dev", LINK));
        assertEquals("", sh("ip", "-4", "route", "show", "dev", LINK));
        assertFalse(Files.exists(store.pathFor(LINK)));
    }

    @Test
    @RequiresCommands("nft")
    void aFailedFullTunnelUpRemovesItsNftTables() throws Exception {
        WgQuickConfig config = config("satellite.conf", List.of("Address = fd00:16:1::2/64", "PostUp = exit 4"),
                "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24", "AllowedIPs = 0.0.0.0/0, ::/0");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));

        assertThrows(CommandFailedException.class, () -> new LinkSetup(inNamespace, store).up(LinkPlan.of(config, List.of())));

        assertEquals("", sh("nft", "list", "tables"));
        assertFalse(sh("ip", "-4", "rule", "show").contains("51820"));
        assertFalse(Files.exists(store.pathFor(LINK)));
    }

    @Test
    @RequiresCommands("nft")
    void downAfterTheLinkIsGoneStillRemovesRules() throws Exception {
        WgQuickConfig config = config("satellite.conf", List.of(),
                "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24", "AllowedIPs = 0.0.0.0/0");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));
        new LinkSetup(inNamespace, store).up(LinkPlan.of(config, List.of()));

        sh("ip", "link", "del", LINK); // the caller closed the TUN first

        assertTrue(new LinkSetup(inNamespace, store).cleanup(LINK));
        String rules = sh("ip", "-4", "rule", "show");
        assertFalse(rules.contains("51820"), rules);
        assertFalse(rules.contains("suppress_prefixlength"), rules);
        assertEquals("", sh("nft", "list", "tables"), "the nft table does not go with the link");
        assertFalse(Files.exists(store.pathFor(LINK)));
    }

    /**
     * Runs every command as a container would: in a mount namespace of its own where {@code /proc/sys} is a
     * read-only bind mount (inside the test's network namespace).
     */
    private CommandRunner withReadOnlyProcSys() {
        return command -> {
            List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh",
                    "-c", "mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec \"$@\"",
                    "sh"));
            wrapped.addAll(command);
            CommandResult r = inNamespace.run(wrapped);
            return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr());
        };
    }

    @Test
    @RequiresCommands({"nft", "unshare"})
    void aFullTunnelComesUpUnderAReadOnlyProcSysWhereSrcValidMarkIsSetAlready() throws Exception {
        WgQuickConfig config = config("satellite.conf", List.of(), "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24",
                "AllowedIPs = 0.0.0.0/0");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));
        sh("sysctl", "-q", "net.ipv4.conf.all.src_valid_mark=1"); // docker run --sysctl ... does this
        CommandRunner container = withReadOnlyProcSys();
        assertTrue(container.run(List.of("sysctl", "-q", "net.ipv4.conf.all.src_valid_mark=0")).exitCode() != 0,
                "/proc/sys is not read-only in the stand-in container");

        new LinkSetup(container, store).up(LinkPlan.of(config, List.of()));

        assertTrue(sh("ip", "-4", "rule", "show").contains("lookup 51820"));
        assertTrue(new LinkSetup(container, store).down(LINK));
    }

    @Test
    @RequiresCommands({"nft", "unshare"})
    void aFullTunnelUnderAReadOnlyProcSysSaysHowToSetSrcValidMark() throws Exception {
        WgQuickConfig config = config("satellite.conf", List.of(), "AllowedIPs = 172.16.1.0/24, 10.10.10.0/24",
                "AllowedIPs = 0.0.0.0/0");
        NetStateStore store = new NetStateStore(tmp.resolve("state"));
        sh("sysctl", "-q", "net.ipv4.conf.all.src_valid_mark=0");

        IOException e = assertThrows(IOException.class,
                () -> new LinkSetup(withReadOnlyProcSys(), store).up(LinkPlan.of(config, List.of())));

        assertTrue(e.getMessage().startsWith(LINK + ": the full tunnel needs net.ipv4.conf.all.src_valid_mark=1, and it"
                + " is 0 and cannot be set here (sysctl -q net.ipv4.conf.all.src_valid_mark=1 failed"), e.getMessage());
        assertTrue(e.getMessage().contains("'docker run --sysctl net.ipv4.conf.all.src_valid_mark=1'"), e.getMessage());
        assertFalse(sh("ip", "-4", "rule", "show").contains("51820"), "the policy routing was not undone");
        assertFalse(Files.exists(store.pathFor(LINK)));
    }
}
