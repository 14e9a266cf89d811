package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.CommandRunner;
import io.wgate.server.net.HostLinks;
import io.wgate.server.net.LinkSetup;
import io.wgate.server.net.NetState;
import io.wgate.server.net.NetStateStore;
import io.wgate.server.net.NetStep;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownCommandTest {

    private static final String NAME = "wgt-down0";

    @TempDir
    Path dir;

    private RunFiles runFiles;
    private Path uapiDir;
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final CommandRunner ip = command -> {
        commands.add(CommandResult.display(command));
        return CommandResult.ok(command, "");
    };
    private final HostLinks noLinks = new HostLinks(command -> new CommandResult(command, 1, "",
            "Device \"" + command.getLast() + "\" does not exist.\n"));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void runDirectory() throws Exception {
        runFiles = new RunFiles(dir.resolve("run"));
        uapiDir = Files.createDirectories(dir.resolve("uapi"));
    }

    @AfterEach
    void stopProcesses() throws Exception {
        for (Process p : processes) {
            JavaProcesses.kill(p);
        }
    }

    private int down(GatewayStopper stopper, LongFunction<Optional<ProcessHandle>> lookup) {
        Leftovers leftovers = new Leftovers(runFiles, new LinkSetup(ip, new NetStateStore(runFiles.dir())), uapiDir);
        return new DownCommand(runFiles, leftovers, stopper, noLinks, lookup).down(NAME, new PrintStream(out, true),
                new PrintStream(err, true));
    }

    private int down() {
        return down(new GatewayStopper(Duration.ofSeconds(20), Duration.ofSeconds(5)), ProcessHandle::of);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void leaveHostChanges() throws Exception {
        new NetStateStore(runFiles.dir()).write(NetState.begin(NAME, List.of(), List.of())
                .plus(new NetStep.AddAddress(NAME, InterfaceAddress.parse("10.8.0.1/24"))).completed());
    }

    private Path leaveStaleSocket() throws Exception {
        Path socket = uapiDir.resolve(NAME + ".sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        return socket;
    }

    private Process fakeGateway(long stopDelayMillis, String... commandLine) throws Exception {
        Process p = JavaProcesses.fakeGateway(runFiles.lockFile(NAME), stopDelayMillis, commandLine);
        processes.add(p);
        return p;
    }

    private String[] gatewayCommandLine() {
        return new String[] {"io.wgate.server.Main", "up", dir.resolve(NAME + ".conf").toString(), "--foreground"};
    }

    @Test
    void aCrashedRunIsCleanedUpAndTheProcessItsStalePidNamesIsLeftAlone() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "60").start();
        processes.add(stranger);
        runFiles.writePid(NAME, stranger.pid()); // the dead gateway's pid, since reused
        leaveHostChanges();
        Path socket = leaveStaleSocket();

        assertEquals(0, down(), err());

        assertTrue(stranger.isAlive(), "an unrelated process was signalled");
        assertEquals(List.of("ip -4 address del 10.8.0.1/24 dev " + NAME), commands);
        assertFalse(Files.exists(runFiles.pidFile(NAME)));
        assertFalse(Files.exists(socket), "the stale UAPI socket must go ('wgate show' fails on it)");
        assertFalse(Files.exists(new NetStateStore(runFiles.dir()).pathFor(NAME)));
        assertTrue(out().contains(NAME + " was not running; removed what its last run left behind: host changes"
                + " (routes, addresses, rules, hooks), pid file, UAPI socket"), out());
    }

    @Test
    void nothingRunningAndNothingLeftIsAnError() {
        assertEquals(1, down());
        assertEquals("wgate down: no gateway named " + NAME + " is running\n", err());
    }

    @Test
    void anUnknownNameCreatesNothing() throws Exception {
        assertEquals(1, down());
        assertEquals("wgate down: no gateway named " + NAME + " is running\n", err());
        assertFalse(Files.exists(runFiles.dir()), "the run directory was created");

        Files.createDirectories(runFiles.dir());
        Files.writeString(runFiles.dir().resolve("other.log"), "x");
        List<String> before = listing(runFiles.dir());
        assertEquals(1, down());
        assertEquals(before, listing(runFiles.dir()), "the run directory changed");
        assertEquals(List.of(), listing(uapiDir), "the UAPI directory changed");
    }

    private static List<String> listing(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLiveGatewayIsStoppedEvenBeforeItWroteItsPidFile() throws Exception {
        Process gateway = fakeGateway(0, gatewayCommandLine());

        assertEquals(0, down(), err());

        assertFalse(gateway.isAlive());
        assertEquals(List.of(), commands, "a live gateway's host changes are its own to undo");
        assertEquals("wgate: " + NAME + " is down\n", out());
    }

    @Test
    void whatAStoppedGatewayLeftBehindIsUndoneAndReported() throws Exception {
        Process gateway = fakeGateway(0, gatewayCommandLine());
        leaveHostChanges(); // the gateway's own teardown fails to undo this

        assertEquals(1, down());

        assertFalse(gateway.isAlive());
        assertEquals(List.of("ip -4 address del 10.8.0.1/24 dev " + NAME), commands);
        assertTrue(err().contains("the gateway of " + NAME + " exited without undoing all its host changes; they are"
                + " undone now"), err());
    }

    @Test
    void aLockHolderThatIsNotAGatewayForTheInterfaceIsNeverSignalled() throws Exception {
        Process other = fakeGateway(0, "io.wgate.server.Main", "up", dir.resolve("wgt-other0.conf").toString());
        leaveHostChanges();

        assertEquals(1, down());

        assertTrue(other.isAlive());
        assertEquals(List.of(), commands, "the host changes belong to whoever holds the lock");
        assertTrue(err().contains("is not a wgate gateway for " + NAME), err());
    }

    @Test
    void aGatewayThatDoesNotStopIsKilledAfterTheGrace() throws Exception {
        Process gateway = fakeGateway(60_000, gatewayCommandLine());

        assertEquals(0, down(new GatewayStopper(Duration.ofMillis(500), Duration.ofSeconds(5)), ProcessHandle::of));

        assertFalse(gateway.isAlive());
        assertTrue(err().contains("did not stop within 0.5 s; killed it"), err());
    }

    @Test
    void withoutPermissionToSignalItSaysRunAsRootAndDoesNotWait() throws Exception {
        Process gateway = fakeGateway(0, gatewayCommandLine());
        List<String> commandLine = new ArrayList<>(List.of("java"));
        commandLine.addAll(List.of(gatewayCommandLine()));
        FakeProcessHandle unsignallable = new FakeProcessHandle(gateway.pid(), commandLine);

        long start = System.nanoTime();
        assertEquals(1, down(GatewayStopper.standard(), pid -> Optional.of(unsignallable)));

        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        assertEquals("wgate down: not permitted to stop " + NAME + " (pid " + gateway.pid() + "): run as root\n", err());
    }

    @Test
    void aNameThatIsNoInterfaceIsAClearErrorNotACrash() {
        assertEquals(1, DownCommand.run(List.of("/"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err().startsWith("wgate down: '/' is not an interface name"), err());
        err.reset();
        assertEquals(1, ShowCommand.run(List.of("/"), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err().startsWith("wgate show: '/' is not an interface name"), err());
    }
}
