package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.gateway.CpuList;
import io.wgate.server.gateway.GatewayOptions;
import io.wgate.server.gateway.Offloads;
import io.wgate.server.gateway.TransportKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpCommandTest {

    @Test
    void parsesOptionsAndKeepsThemForTheBackgroundChild() {
        UpCommand.Arguments a = UpCommand.parse(List.of("--transport", "io_uring", "site.conf", "--aead", "jdk", "-f"));
        assertEquals(Path.of("site.conf"), a.config());
        assertTrue(a.foreground());
        assertEquals(TransportKind.IO_URING, a.options().transport());
        assertEquals("jdk", a.options().aead());
        assertEquals(List.of("--transport", "io_uring", "--aead", "jdk"), a.passThrough());
        assertFalse(UpCommand.parse(List.of("x.conf")).foreground());
    }

    @Test
    void offloadSwitchesComeFromTheOptionAndTheEnvironmentAndReachTheBackgroundChild() {
        UpCommand.Arguments a = UpCommand.parse(List.of("site.conf", "--disable-offload", "udp-gso,tun-gro",
                "--disable-offload", "udp-gro"));
        assertEquals(new Offloads(true, true, false, false, false), a.options().offloads());
        assertEquals(List.of("--disable-offload", "udp-gso,tun-gro", "--disable-offload", "udp-gro"),
                a.passThrough());
        assertEquals(Offloads.ALL, UpCommand.parse(List.of("site.conf")).options().offloads());
        assertEquals(new Offloads(false, false, false, true, true),
                UpCommand.offloadsFromEnvironment(Offloads.ALL, "tun"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.offloadsFromEnvironment(Offloads.ALL, "tso"));
        assertTrue(e.getMessage().startsWith("WGATE_DISABLE_OFFLOADS: unknown offload 'tso'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("a.conf", "--disable-offload", "everything")));
    }

    @Test
    void rejectsMissingOrExtraArguments() {
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "b.conf")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--transport")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--transport", "nio")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("a.conf", "--bogus")));
    }

    @Test
    void badConfigIsReportedWithFileLineAndKeyAndNothingStarts(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("wgt-bad0.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = not-a-key\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UpCommand.run(List.of(conf.toString(), "--foreground"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("wgt-bad0.conf:2: PrivateKey:"), message);
        assertFalse(Files.exists(Path.of("/sys/class/net/wgt-bad0")));
    }

    @Test
    void theRetriesVariableIsNamedInItsErrors() {
        assertEquals(15, UpCommand.endpointRetries(null, 15));
        assertEquals(15, UpCommand.endpointRetries(" ", 15));
        assertEquals(3, UpCommand.endpointRetries(" 3 ", 15));
        assertEquals(Integer.MAX_VALUE, UpCommand.endpointRetries("infinity", 15));
        for (String bad : List.of("abc", "0", "-2", "1.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UpCommand.endpointRetries(bad, 15));
            assertEquals("WG_ENDPOINT_RESOLUTION_RETRIES must be a positive number or 'infinity', not '" + bad + "'",
                    e.getMessage());
        }
    }

    @Test
    void aBadAeadChoiceFailsBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path conf = writeConfig(dir, "wgt-aead0", "");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        int status = UpCommand.run(List.of(conf.toString(), "--aead", "chacha"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), runFiles);
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("wgate up: --aead chacha: unknown ChaCha20-Poly1305"
                + " implementation 'chacha'"), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(runFiles.dir()), "no background child was started");
    }

    @Test
    void autoIsNotProbedByTheParentAndTheOtherChoicesAre() {
        UpCommand.checkAead("auto");
        UpCommand.checkAead(" AUTO ");
        UpCommand.checkAead("jdk");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpCommand.checkAead("fast"));
        assertTrue(e.getMessage().startsWith("--aead fast: unknown ChaCha20-Poly1305 implementation"), e.getMessage());
    }

    @Test
    void theBackgroundGatewaysFailureShowsItsErrorsNotItsInfoLines() {
        String output = """
                2026-12-05T15:18:26.977Z INFO AeadImplementation: ChaCha20-Poly1305 implementation: OpenSSL
                2026-12-05T15:18:27.059Z INFO Gateway: wg0: sealing and opening on the event loop
                2026-12-05T15:18:27.106Z FINE TunDevice: opened TUN interface wg0
                2026-12-05T15:18:27.120Z WARNING Gateway: wg0: something worth knowing
                2026-12-05T15:18:27.207Z SEVERE Gateway: wg0: failed
                  caused by java.io.IOException: boom
                wgate up: wg0: cannot listen on UDP port 51820: Address already in use
                """;
        assertEquals("""
                2026-12-05T15:18:27.120Z WARNING Gateway: wg0: something worth knowing
                2026-12-05T15:18:27.207Z SEVERE Gateway: wg0: failed
                  caused by java.io.IOException: boom
                wgate up: wg0: cannot listen on UDP port 51820: Address already in use
                """, Daemon.errorLines(output));
    }

    @Test
    void theLaunchedGatewaysPidIsTheJobsAndItsOutputGoesToTheLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("wgt-job0.log");
        long pid = Daemon.launch(List.of("sh", "-c", "echo started $$; exec sleep 30"), log);
        try {
            assertTrue(Daemon.isRunning(pid));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(Files.exists(log) && Files.readString(log).equals("started " + pid + "\n"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("started " + pid + "\n", Files.readString(log));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Daemon.isRunning(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Daemon.isRunning(pid));
    }

    @Test
    void aRunningGatewayIsReportedWithItsPidInTheForegroundAndBeforeSpawningAChild(@TempDir Path dir) throws Exception {
        Path conf = writeConfig(dir, "wgt-busy0", "");
        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        Process gateway = JavaProcesses.fakeGateway(runFiles.lockFile("wgt-busy0"), 0, "io.wgate.server.Main", "up",
                conf.toString(), "--foreground");
        try {
            String expected = "wgt-busy0 is already running (pid " + gateway.pid() + "); stop it with 'wgate down"
                    + " wgt-busy0'";
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = UpCommand.run(List.of(conf.toString(), "--foreground"), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), runFiles);
            assertEquals(1, status);
            assertEquals("wgate up: " + expected + "\n", err.toString(StandardCharsets.UTF_8));
            assertEquals(expected, Daemon.checkCanStart("wgt-busy0", runFiles));
        } finally {
            JavaProcesses.kill(gateway);
        }
    }

    @Test
    void aStalePidFileNamingALiveProcessDoesNotBlockABackgroundStart(@TempDir Path dir) throws Exception {
        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            runFiles.writePid("wgt-stale0", stranger.pid());
            assertEquals(null, Daemon.checkCanStart("wgt-stale0", runFiles));
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void warningsArePrintedOnceByTheParentNotAgainByTheBackgroundChild(@TempDir Path dir) throws Exception {
        Path conf = writeConfig(dir, "wgt-warn0", "DNS = 192.0.2.53\n");
        UpCommand.Arguments arguments = UpCommand.parse(List.of(conf.toString()));
        assertTrue(Daemon.command(arguments).contains("-D" + UpCommand.BACKGROUND_CHILD_PROPERTY + "=true"));

        RunFiles runFiles = new RunFiles(dir.resolve("run"));
        // A stand-in gateway holds the lock, so each run stops right after the warnings.
        Process gateway = JavaProcesses.fakeGateway(runFiles.lockFile("wgt-warn0"), 0);
        try {
            assertTrue(countWarnings(conf, runFiles) > 0);
            System.setProperty(UpCommand.BACKGROUND_CHILD_PROPERTY, "true");
            assertEquals(0, countWarnings(conf, runFiles));
        } finally {
            System.clearProperty(UpCommand.BACKGROUND_CHILD_PROPERTY);
            JavaProcesses.kill(gateway);
        }
    }

    private static long countWarnings(Path conf, RunFiles runFiles) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        UpCommand.run(List.of(conf.toString(), "--foreground"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), runFiles);
        return err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("warning:")).count();
    }

    private static Path writeConfig(Path dir, String name, String extraInterfaceLines) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=\n"
                + "Address = 172.16.1.1/24\n" + extraInterfaceLines
                + "\n[Peer]\nPublicKey = kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=\nAllowedIPs = 172.16.1.0/24\n");
        Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return conf;
    }

    @Test
    void anUnreadableConfigIsNamedWithPermissionDenied(@TempDir Path dir) {
        Path conf = dir.resolve("wgt-perm0.conf");
        assertEquals(conf + ": permission denied",
                UpCommand.unreadable(conf, new java.nio.file.AccessDeniedException(conf.toString())));
        assertEquals(conf + ": no such file",
                UpCommand.unreadable(conf, new java.nio.file.NoSuchFileException(conf.toString())));
        assertEquals("cannot read " + conf + ": Is a directory",
                UpCommand.unreadable(conf, new java.io.IOException("Is a directory")));
    }

    @Test
    void aConfigThatIsADirectoryIsReportedWithTheSystemsReason(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectory(dir.resolve("wgt-dir0.conf"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UpCommand.run(List.of(conf.toString()), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), new RunFiles(dir.resolve("run")));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("wgate up: cannot read " + conf + ": "),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void missingFileIsReported() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UpCommand.run(List.of("/nonexistent/wgt-none.conf"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
    }

    @Test
    void cryptoWorkersAndCpusComeFromTheOptionsOrTheEnvironmentAndReachTheBackgroundChild() {
        UpCommand.Arguments a = UpCommand.parse(List.of("site.conf", "--crypto-workers", "3", "--cpus", "2-5"));
        assertEquals(3, a.options().cryptoWorkers());
        assertEquals(CpuList.parse("2,3,4,5"), a.options().cpus());
        assertEquals(List.of("--crypto-workers", "3", "--cpus", "2-5"), a.passThrough());
        UpCommand.Arguments defaults = UpCommand.parse(List.of("site.conf"));
        assertEquals(GatewayOptions.AUTO_WORKERS, defaults.options().cryptoWorkers());
        assertEquals(null, defaults.options().cpus());
        assertEquals(GatewayOptions.AUTO_WORKERS,
                UpCommand.parse(List.of("site.conf", "--crypto-workers", "auto")).options().cryptoWorkers());

        List<String> plain = List.of("site.conf");
        GatewayOptions fromEnvironment = UpCommand.threadsFromEnvironment(defaults.options(), plain, "0", "1,3");
        assertEquals(0, fromEnvironment.cryptoWorkers());
        assertEquals(CpuList.parse("1,3"), fromEnvironment.cpus());
        // the command line wins over the environment
        GatewayOptions both = UpCommand.threadsFromEnvironment(a.options(),
                List.of("site.conf", "--crypto-workers", "3", "--cpus", "2-5"), "0", "1");
        assertEquals(a.options(), both);
        assertEquals(defaults.options(), UpCommand.threadsFromEnvironment(defaults.options(), plain, " ", null));

        IllegalArgumentException workers = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.threadsFromEnvironment(defaults.options(), plain, "many", null));
        assertEquals("WGATE_CRYPTO_WORKERS: crypto workers 'many' is not auto or a number 0..256", workers.getMessage());
        IllegalArgumentException cpus = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.threadsFromEnvironment(defaults.options(), plain, null, "3-1"));
        assertEquals("WGATE_CPUS: CPU range '3-1' runs backwards", cpus.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("site.conf", "--crypto-workers", "257")));
        assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("site.conf", "--crypto-workers", "-1")));
        assertThrows(IllegalArgumentException.class, () -> UpCommand.parse(List.of("site.conf", "--cpus", "x")));
    }

    @Test
    void theReresolveIntervalComesFromTheOptionOrTheEnvironmentAndReachesTheBackgroundChild() {
        UpCommand.Arguments a = UpCommand.parse(List.of("site.conf", "--reresolve-interval", "90s"));
        assertEquals(Duration.ofSeconds(90), a.options().reresolveInterval());
        assertEquals(List.of("--reresolve-interval", "90s"), a.passThrough());
        UpCommand.Arguments defaults = UpCommand.parse(List.of("site.conf"));
        assertEquals(Duration.ofMinutes(5), defaults.options().reresolveInterval());
        assertEquals(Duration.ofMinutes(2),
                UpCommand.parse(List.of("site.conf", "--reresolve-interval", "2")).options().reresolveInterval());
        assertEquals(Duration.ZERO,
                UpCommand.parse(List.of("site.conf", "--reresolve-interval", "0")).options().reresolveInterval());

        List<String> plain = List.of("site.conf");
        assertEquals(Duration.ofHours(1),
                UpCommand.reresolveFromEnvironment(defaults.options(), plain, "1h").reresolveInterval());
        assertEquals(defaults.options(), UpCommand.reresolveFromEnvironment(defaults.options(), plain, " "));
        // the command line wins over the environment
        assertEquals(a.options(), UpCommand.reresolveFromEnvironment(a.options(),
                List.of("site.conf", "--reresolve-interval", "90s"), "0"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> UpCommand.reresolveFromEnvironment(defaults.options(), plain, "5 min"));
        assertEquals("WGATE_RERESOLVE_INTERVAL: re-resolution interval '5 min' is not 0 or a number of minutes (5),"
                + " seconds (90s) or hours (1h) up to a day", bad.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("site.conf", "--reresolve-interval", "25h")));
        assertThrows(IllegalArgumentException.class,
                () -> UpCommand.parse(List.of("site.conf", "--reresolve-interval", "-1")));
    }

    @Test
    void oneWorkerOrNoneMeansTheLoopSealsInlineAndAutoMeansOnePerCoreFromFourCores() {
        GatewayOptions options = GatewayOptions.defaults();
        assertEquals(16, options.effectiveCryptoWorkers(16));
        assertEquals(GatewayOptions.MAX_WORKERS, options.effectiveCryptoWorkers(GatewayOptions.MAX_WORKERS));
        assertEquals(GatewayOptions.MAX_WORKERS, options.effectiveCryptoWorkers(384), "auto stops at the most");
        assertEquals(4, options.effectiveCryptoWorkers(4));
        assertEquals(0, options.effectiveCryptoWorkers(3));
        assertEquals(0, options.effectiveCryptoWorkers(2));
        assertEquals(0, options.effectiveCryptoWorkers(1));
        assertEquals(0, options.withCryptoWorkers(1).effectiveCryptoWorkers(16));
        assertEquals(0, options.withCryptoWorkers(0).effectiveCryptoWorkers(16));
        assertEquals(7, options.withCryptoWorkers(7).effectiveCryptoWorkers(2));
    }
}
