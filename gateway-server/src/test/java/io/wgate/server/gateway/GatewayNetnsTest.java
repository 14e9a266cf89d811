package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.CommandRunner;
import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.net.NetState;
import io.wgate.server.net.NetStateStore;
import io.wgate.server.net.NetStep;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.NetNsScope;
import io.wgate.tun.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A whole {@link Gateway} in a network namespace of its own: the starting thread enters it (so the TUN,
 * the event loops and the UDP socket are born there) and every host command runs there through
 * {@code ip netns exec}, whichever thread runs it. The state file goes to a temporary directory; the
 * UAPI socket is {@code /var/run/wireguard/<name>.sock} with a name of this test's own.
 */
@Privileged
class GatewayNetnsTest {

    @TempDir
    Path tmp;

    private NetNs ns;
    private String name;
    private NetStateStore store;
    private LinkSetup linkSetup;
    private HostLinks hostLinks;
    private final List<Gateway> gateways = new ArrayList<>();

    @BeforeEach
    void namespace() {
        ns = NetNs.create("gateway");
        name = "wgt-gw" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        store = new NetStateStore(tmp.resolve("run"));
        CommandRunner inNamespace = command -> {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
            wrapped.addAll(command);
            CommandResult r = new ProcessCommandRunner(Duration.ofSeconds(60)).run(wrapped);
            return new CommandResult(command, r.exitCode(), r.stdout(), r.stderr());
        };
        linkSetup = new LinkSetup(inNamespace, store);
        hostLinks = new HostLinks(inNamespace);
    }

    @AfterEach
    void removeEverything() throws Exception {
        gateways.forEach(Gateway::close);
        ns.close();
        Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
    }

    private Gateway gateway(WgQuickConfig config, TransportKind transport) {
        Gateway gateway = new Gateway(config, GatewayOptions.defaults().withAead("jdk").withTransport(transport),
                linkSetup, hostLinks);
        gateways.add(gateway);
        return gateway;
    }

    /** Starts {@code gateway} on a platform thread inside the namespace; completes with null or the failure. */
    private CompletableFuture<Exception> startInNamespace(Gateway gateway) {
        CompletableFuture<Exception> outcome = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try (NetNsScope ignored = ns.enter()) {
                gateway.start();
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        }, "wgt-starter");
        starter.start();
        return outcome;
    }

    /** A hook that appends "{@code label} <status of ip link show dev IF>" to {@code log}: 0 while the link exists. */
    private static String linkProbe(String label, Path log) {
        return "ip link show dev %i >/dev/null 2>&1; echo " + label + " $? >> " + log;
    }

    private String rules() {
        return ns.exec("ip", "-4", "rule", "show") + ns.exec("ip", "-6", "rule", "show");
    }

    @Test
    void aDeadRunIsUndoneBeforeTheNewLinkExists() throws Exception {
        Path hooks = tmp.resolve("hooks.log");
        // What a SIGKILLed run left: its link (and with it the address) is gone, its policy rule is not.
        ns.ip("-4", "rule", "add", "not", "fwmark", "51820", "table", "51820");
        store.write(NetState.begin(name, List.of(linkProbe("pre-down", hooks)), List.of(linkProbe("post-down", hooks)))
                .plus(new NetStep.AddAddress(name, InterfaceAddress.parse("172.16.1.1/24")))
                .plus(new NetStep.AddRule(false, List.of("not", "fwmark", "51820", "table", "51820"))).completed());

        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of()), TransportKind.EPOLL);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));

        assertEquals("pre-down 1\npost-down 1\n", Files.readString(hooks), "the old hooks ran without the new link");
        assertFalse(rules().contains("51820"), rules());
        assertTrue(ns.exec("ip", "-4", "address", "show", "dev", name).contains("inet 172.16.1.1/24"));
    }

    @Test
    void aStopDuringStartUpKillsTheHookAndUndoesEverything() throws Exception {
        Path hookPid = tmp.resolve("hook.pid");
        WgQuickConfig config = TestGateways.mainOffice(name, List.of("PostUp = echo $$ > " + hookPid + "; exec sleep 60"),
                "AllowedIPs = 172.16.1.0/24, 192.168.1.0/24", "AllowedIPs = 0.0.0.0/0");
        Gateway gateway = gateway(config, TransportKind.EPOLL);
        CompletableFuture<Exception> started = startInNamespace(gateway);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(hookPid) || Files.readString(hookPid).isBlank()) {
            assertFalse(started.isDone(), () -> "start-up ended early: " + started.join());
            assertTrue(System.nanoTime() < deadline, "the PostUp hook never ran");
            Thread.sleep(20);
        }
        assertTrue(rules().contains("51820"), "the policy rules are in place while PostUp runs");

        long stopStart = System.nanoTime();
        gateway.close(); // what the shutdown hook does on SIGTERM

        assertTrue(System.nanoTime() - stopStart < 20_000_000_000L, "close() waited for the 60 s hook");
        Exception failure = started.get(5, TimeUnit.SECONDS);
        assertInstanceOf(GatewayException.class, failure);
        assertTrue(failure.getMessage().contains("start-up stopped"), failure.getMessage());
        long pid = Long.parseLong(Files.readString(hookPid).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hook process survived");
        assertFalse(rules().contains("51820"), rules());
        assertFalse(hostLinks.exists(name), "the TUN device survived");
        assertFalse(Files.exists(store.pathFor(name)), "the state file survived");
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")), "the UAPI socket survived");
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void tearsDownLikeWgQuickWithTheTimersStoppedBeforeTheSockets(TransportKind transport) throws Exception {
        Assumptions.assumeTrue(available(transport), transport.label() + " is not available here");
        Path hooks = tmp.resolve("hooks.log");
        Gateway gateway = gateway(TestGateways.mainOffice(name, List.of("PreDown = " + linkProbe("pre-down", hooks),
                "PostDown = " + linkProbe("post-down", hooks))), transport);
        assertEquals(null, startInNamespace(gateway).get(60, TimeUnit.SECONDS));
        assertEquals(1420, gateway.mtu());

        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        Logger logger = Logger.getLogger(Gateway.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if ("{0}: {1}".equals(r.getMessage()) && name.equals(r.getParameters()[0])) {
                    steps.add((String) r.getParameters()[1]);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
        try {
            gateway.close();
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(before);
        }

        assertEquals("pre-down 0\npost-down 1\n", Files.readString(hooks), "PreDown with the link, PostDown without");
        List<String> order = List.of("run the PreDown hooks and undo the host changes", "close the UAPI socket",
                "stop the engine's timers", "close the UDP socket", "close the TUN device", "run the PostDown hooks",
                "log the drops and close the engine", "stop the event loop", "release the AEAD");
        assertEquals(order, steps.stream().filter(order::contains).toList(), steps.toString());
        assertFalse(hostLinks.exists(name));
        assertFalse(Files.exists(store.pathFor(name)));
    }

    private static boolean available(TransportKind transport) {
        try {
            transport.ensureAvailable();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
