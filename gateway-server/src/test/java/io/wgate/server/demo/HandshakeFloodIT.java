package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_A;
import static io.wgate.server.demo.Addressing.HOST_B;
import static io.wgate.server.demo.Addressing.LISTEN_PORT;
import static io.wgate.server.demo.Addressing.MAIN_WAN;
import static io.wgate.server.demo.GatewayLeaks.assertLeakDetectionOn;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handshake flood must not starve data (issue 3, gateway-server): in the two-office network with wgate
 * on both gateways and the tunnel up, a flooder on the Internet router sends the Main Office gateway's
 * port {@value #RATE} datagrams a second of junk, most of them handshake initiations with a valid mac1
 * (each costs the gateway a Diffie-Hellman to reject, far more than it can do at that rate) while
 * Host A and Host B ping each other through the tunnel. Every ping must be answered. The test also
 * checks that the flood was real: the flooder sent at the intended rate, the datagrams reached the
 * gateway's namespace, and the gateway answered with cookie replies, i.e. it was under load.
 */
@Privileged
@RequiresCommands("ping")
class HandshakeFloodIT {

    /** Datagrams per second: several times what one core can reject by Diffie-Hellman. */
    static final int RATE = 30_000;
    static final int FLOOD_SECONDS = 16;
    static final int PINGS = 20;
    private static final Pattern RESULT = Pattern.compile("sent (\\d+), cookie replies (\\d+)");
    /**
     * Spoofed sources for the second test: hosts of the Main Office gateway's own WAN link (on-link: its cookie
     * replies wait for neighbour resolution that never answers) and of another network (off-link).
     */
    static final String SPOOFED_SOURCES = "198.51.100.0/24,192.0.2.0/24";
    static final int SPOOFED_FLOOD_SECONDS = 30;
    /** The bound on a restarted peer's handshake while the flood goes on. */
    static final Duration RESTART_HANDSHAKE_BOUND = Duration.ofSeconds(5);

    private TwoOffices offices;

    @RegisterExtension
    final GatewayLogsOnFailure logs = new GatewayLogsOnFailure(() -> offices);

    @AfterEach
    void removeEverything() {
        OfficesTeardown.closeAndCheck(offices);
    }

    @Test
    void pingsThroughTheTunnelKeepWorkingDuringAHandshakeFlood() throws Exception {
        offices = TwoOffices.open(new TwoOffices.Options(GatewayKind.WGATE, GatewayKind.WGATE, EndpointMode.BOTH,
                TestRuntime.runtime()));
        offices.startGateways();
        assertLeakDetectionOn(offices);
        GatewayWorkers.assertCryptoWorkers(offices);
        Pinger pinger = new Pinger(offices.shell(), offices.options().runtime());
        SiteNames n = offices.names();
        PingResult contact = pinger.awaitReply(n.hostA(), HOST_B, Duration.ofSeconds(20));
        assertTrue(contact.received() > 0, "no first contact:\n" + contact.output());

        Path floodLog = offices.workDir().resolve("flooder.log");
        Process flooder = startFlooder(floodLog, FLOOD_SECONDS);
        UdpStats mainBefore = UdpStats.of(offices.main().pid());
        awaitFlooding(flooder, floodLog);
        Thread.sleep(1_000); // the handshake queue fills: the gateway is under load by now

        PingResult aToB = pinger.ping(n.hostA(), HOST_B, PINGS);
        PingResult bToA = pinger.ping(n.hostB(), HOST_A, PINGS);
        boolean floodLasted = flooder.isAlive();
        UdpStats mainDuring = UdpStats.of(offices.main().pid());

        assertTrue(flooder.waitFor(FLOOD_SECONDS + 30, TimeUnit.SECONDS), "the flooder did not finish");
        String output = Files.readString(floodLog);
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), "the flooder printed no result:\n" + output);
        long sent = Long.parseLong(m.group(1));
        long cookieReplies = Long.parseLong(m.group(2));
        String context = "flooder: " + output.strip() + "\nUDP Main " + mainBefore + " -> " + mainDuring
                + "\nA -> B " + aToB.summary() + "\nB -> A " + bToA.summary();
        System.out.println(context);

        assertTrue(floodLasted, "the flood ended before the pings did\n" + context);
        assertTrue(sent >= (long) RATE * FLOOD_SECONDS * 9 / 10, "the flooder fell short of its rate\n" + context);
        assertTrue(mainDuring.arrived() - mainBefore.arrived() >= (long) RATE * 5,
                "the flood did not reach the Main Office gateway\n" + context);
        assertTrue(cookieReplies > 0, "no cookie replies: the gateway was never under load\n" + context);
        assertTrue(aToB.allReplied(), "Host A -> Host B during the flood\n" + context + "\n" + aToB.output());
        assertTrue(bToA.allReplied(), "Host B -> Host A during the flood\n" + context + "\n" + bToA.output());
        assertTrue(offices.main().isAlive(), "the Main Office gateway died");
        assertTrue(offices.main().peer().hasHandshake());
    }

    /** Starts the flooder in the Internet namespace, at {@link #RATE}, from its own address or from {@code sources}. */
    private Process startFlooder(Path floodLog, int seconds, String... sources) throws IOException {
        List<String> command = new ArrayList<>(List.of(offices.shell().ip(), "netns", "exec", offices.names().internet(),
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                HandshakeFlooder.class.getName(), MAIN_WAN, Integer.toString(LISTEN_PORT),
                offices.mainConfig().keys().publicKey().toBase64(), Integer.toString(RATE),
                Integer.toString(seconds)));
        command.addAll(List.of(sources));
        Process flooder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(floodLog.toFile()).start();
        offices.track(() -> {
            flooder.destroyForcibly();
            flooder.waitFor(10, TimeUnit.SECONDS);
        });
        return flooder;
    }

    /**
     * Many spoofed sources, on-link and off-link (issue "Hostile input", item 3): while they flood the Main Office
     * gateway, the tunnel keeps carrying pings, and a Satellite Office gateway restarted in the middle of the flood
     * (no session left, a new handshake needed) completes its handshake within {@link #RESTART_HANDSHAKE_BOUND}: the
     * Main Office gateway knows its endpoint, so its initiation skips the cookie round trip that would otherwise
     * cost it a 5 s retry, and the Diffie-Hellman of the flood runs on the handshake worker, not in its way.
     */
    @Test
    void aPeerRestartedDuringAFloodFromSpoofedSourcesShakesHandsWithinFiveSeconds() throws Exception {
        offices = TwoOffices.open(new TwoOffices.Options(GatewayKind.WGATE, GatewayKind.WGATE, EndpointMode.BOTH,
                TestRuntime.runtime()));
        offices.startGateways();
        Pinger pinger = new Pinger(offices.shell(), offices.options().runtime());
        SiteNames n = offices.names();
        PingResult contact = pinger.awaitReply(n.hostA(), HOST_B, Duration.ofSeconds(20));
        assertTrue(contact.received() > 0, "no first contact:\n" + contact.output());

        Path floodLog = offices.workDir().resolve("spoofed-flooder.log");
        Process flooder = startFlooder(floodLog, SPOOFED_FLOOD_SECONDS, SPOOFED_SOURCES);
        UdpStats mainBefore = UdpStats.of(offices.main().pid());
        awaitFlooding(flooder, floodLog);
        Thread.sleep(1_000);
        PingResult aToB = pinger.ping(n.hostA(), HOST_B, PINGS);

        List<String> stopProblems = offices.restartSatellite();
        long restartedNanos = System.nanoTime();
        // Host B's pings make the new Satellite Office gateway start a handshake at once.
        java.util.concurrent.CompletableFuture<PingResult> bToA = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return pinger.ping(n.hostB(), HOST_A, 12);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Duration handshakeAfter = null;
        while (System.nanoTime() - restartedNanos < TimeUnit.SECONDS.toNanos(20)) {
            if (offices.satellite().peer().hasHandshake()) {
                handshakeAfter = Duration.ofNanos(System.nanoTime() - restartedNanos);
                break;
            }
            Thread.sleep(50);
        }
        PingResult afterRestart = bToA.get(60, TimeUnit.SECONDS);
        boolean floodLasted = flooder.isAlive();
        UdpStats mainDuring = UdpStats.of(offices.main().pid());

        assertTrue(flooder.waitFor(SPOOFED_FLOOD_SECONDS + 30, TimeUnit.SECONDS), "the flooder did not finish");
        String output = Files.readString(floodLog);
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), "the flooder printed no result:\n" + output);
        long sent = Long.parseLong(m.group(1));
        String context = "flooder: " + output.strip() + "\nUDP Main " + mainBefore + " -> " + mainDuring
                + "\nA -> B " + aToB.summary() + "\nB -> A after the restart " + afterRestart.summary()
                + "\nrestarted Satellite's handshake after " + handshakeAfter + "\nold Satellite's stop: " + stopProblems;
        System.out.println(context);

        assertTrue(floodLasted, "the flood ended before the restart was over\n" + context);
        assertTrue(sent >= (long) RATE * SPOOFED_FLOOD_SECONDS * 9 / 10, "the flooder fell short of its rate\n" + context);
        assertTrue(mainDuring.arrived() - mainBefore.arrived() >= (long) RATE * 5,
                "the flood did not reach the Main Office gateway\n" + context);
        assertTrue(offices.main().log().contains("Under load"), "the gateway was never under load\n" + context);
        assertTrue(aToB.allReplied(), "Host A -> Host B during the flood\n" + context + "\n" + aToB.output());
        assertTrue(handshakeAfter != null && handshakeAfter.compareTo(RESTART_HANDSHAKE_BOUND) <= 0,
                "the restarted Satellite Office gateway's handshake\n" + context);
        assertTrue(afterRestart.received() >= 6, "Host B -> Host A after the restart\n" + context + "\n"
                + afterRestart.output());
        assertTrue(offices.main().isAlive(), "the Main Office gateway died");
    }

    /** Waits until the flooder says it is flooding: the pings must run during the flood, not before it. */
    private static void awaitFlooding(Process flooder, Path floodLog) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(floodLog)
                && Files.readString(floodLog).lines().anyMatch(HandshakeFlooder.FLOODING::equals))) {
            if (!flooder.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the flooder never started flooding:\n"
                        + (Files.exists(floodLog) ? Files.readString(floodLog) : "(no output)"));
            }
            Thread.sleep(50);
        }
    }
}
