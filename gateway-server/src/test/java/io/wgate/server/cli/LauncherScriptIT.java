package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgKey;
import io.wgate.server.demo.TestRuntime;
import io.wgate.server.net.CommandResult;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository-root launcher {@code ./wgate} as a user runs it: it finds a JDK 25 by itself and runs
 * the built jar, and says clearly when there is none.
 *
 * <p>The launcher looks at {@code $JAVA_HOME}, then {@code /usr/lib/jvm/*25*}, then {@code java} on the
 * PATH. To show it a machine without a JDK 25 the test needs no hook in the script: it runs it in a
 * mount namespace of its own ({@code unshare --mount}, root) where {@code /usr/lib/jvm} is an empty tmpfs,
 * with a PATH of its own; the host's {@code /usr/lib/jvm} is never touched.
 */
@Privileged(network = false)
class LauncherScriptIT {

    @TempDir
    Path tmp;

    /** The repository root: the module's parent. */
    private static Path root() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    }

    private static Path launcher() {
        Path script = root().resolve("wgate");
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");
        return script;
    }

    private static CommandResult run(List<String> command, Map<String, String> environment, String stdin)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path err = Files.createTempFile("wgate-launcher", ".err");
        try {
            builder.redirectError(err.toFile());
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            return new CommandResult(command, process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Where {@code name} is installed ({@code /usr/bin}, {@code /bin}, {@code /usr/sbin}, {@code /sbin}). */
    private static String tool(String name) {
        return Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " not found"));
    }

    /** A fake {@code java} that reports {@code version} and records that the launcher asked it. */
    private Path fakeJava(Path dir, int version, Path probes) throws IOException {
        Files.createDirectories(dir);
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$0\" >> " + probes + "\n"
                + "echo '    java.specification.version = " + version + "' >&2\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    @Test
    @RequiresCommands({"unshare", "mount", "mkdir", "cp", "bash", "dirname", "readlink", "sed"})
    void withoutAJdk25ItSaysSoAndWhereItLooked() throws Exception {
        Path probes = tmp.resolve("probes.log");
        // An old JDK in JAVA_HOME, another first on the PATH, and under /usr/lib/jvm a directory whose name
        // matches the launcher's pattern but holds a JDK 17: all must be asked and turned down.
        Path javaHome = tmp.resolve("jdk-21");
        Path homeJava = fakeJava(javaHome.resolve("bin"), 21, probes);
        Path bin = tmp.resolve("bin");
        Path pathJava = fakeJava(bin, 11, probes);
        for (String tool : List.of("bash", "dirname", "readlink", "sed")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(tool(tool)));
        }
        Path stash = Files.createDirectories(tmp.resolve("stash/bin"));
        fakeJava(stash, 17, probes);
        String jvmJava = "/usr/lib/jvm/temurin-25-broken/bin/java";
        // Where the host has no /usr/lib/jvm (a JDK elsewhere) there is nothing to hide and no mount point.
        boolean hostHasJvmDir = Files.isDirectory(Path.of("/usr/lib/jvm"));
        String setup = hostHasJvmDir
                ? tool("mount") + " -t tmpfs wgate-test-no-jdk /usr/lib/jvm && " + tool("mkdir")
                        + " -p /usr/lib/jvm/temurin-25-broken && " + tool("cp") + " -a " + stash
                        + " /usr/lib/jvm/temurin-25-broken/ && exec \"$@\""
                : "exec \"$@\"";
        List<String> command = List.of(tool("unshare"), "--mount", "--propagation", "private", tool("sh"), "-c",
                setup, "sh", launcher().toString(), "genkey");

        CommandResult result = run(command, Map.of("PATH", bin.toString(), "JAVA_HOME", javaHome.toString()), "");

        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertEquals("", result.stdout());
        assertEquals("wgate: needs a JDK 25 or newer, and none was found (JAVA_HOME, /usr/lib/jvm, PATH).\n"
                + "       Install one (for example Temurin 25) or point JAVA_HOME at it.\n", result.stderr());
        // (The directory matches several of the launcher's patterns, so it may be asked more than once.)
        List<String> expected = hostHasJvmDir ? List.of(homeJava.toString(), jvmJava, pathJava.toString())
                : List.of(homeJava.toString(), pathJava.toString());
        assertEquals(expected, Files.readAllLines(probes).stream().distinct().toList(),
                "the candidates the launcher tried, in order");
        assertTrue(Files.isDirectory(Path.of("/usr/lib/jvm")) == hostHasJvmDir && !Files.exists(Path.of(jvmJava)),
                "the host's /usr/lib/jvm must be untouched");
    }

    @Test
    void itFindsTheJdkAndRunsTheBuiltJar() throws Exception {
        Path jar = TestRuntime.jar().toAbsolutePath().normalize();
        assertEquals(root().resolve("gateway-server/target/wgate.jar"), jar, "the launcher runs this jar");
        // The launcher rebuilds when a source is newer than the jar; the tests run after 'package', so it
        // must not (a build here would replace the jar under the running tests).
        Optional<Path> newer = newerSource(jar);
        assertTrue(newer.isEmpty(), () -> newer.get() + " is newer than " + jar + ": run ./mvnw package first");
        String javaHome = System.getProperty("java.home");
        // A PATH without java: the launcher must take the JDK from JAVA_HOME.
        Map<String, String> environment = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", javaHome,
                "HOME", tmp.toString());

        CommandResult genkey = run(List.of(launcher().toString(), "genkey"), environment, "");
        assertEquals(0, genkey.exitCode(), genkey.stderr());
        assertFalse(genkey.stderr().contains("building"), genkey.stderr());
        String privateKey = genkey.stdout().strip();
        WgKey key = WgKey.parseBase64(privateKey).orElseThrow(() -> new AssertionError("not a key: " + privateKey));
        assertEquals(privateKey + "\n", genkey.stdout());

        CommandResult pubkey = run(List.of(launcher().toString(), "pubkey"), environment, genkey.stdout());
        assertEquals(0, pubkey.exitCode(), pubkey.stderr());
        assertEquals(key.publicKey().toBase64() + "\n", pubkey.stdout());

        CommandResult bad = run(List.of(launcher().toString(), "pubkey"), environment, "not a key\n");
        assertTrue(bad.exitCode() != 0, "the launcher passes the command's exit status on");
    }

    @Test
    void theJvmGetsAHeapAndADirectMemoryCapAndEndsOnOutOfMemoryUnlessTheOperatorSaysOtherwise() throws Exception {
        Map<String, String> environment = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME", System.getProperty("java.home"), "HOME", tmp.toString(),
                "WGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        CommandResult defaults = run(List.of(launcher().toString(), "--version"), environment, "");
        assertEquals(0, defaults.exitCode(), defaults.stderr());
        assertTrue(defaults.stdout().contains("-XX:MaxHeapSize=268435456"), defaults.stdout());
        // the JDK's own direct buffers; Netty's pools have a cap of their own (-Dio.netty.maxDirectMemory)
        assertTrue(defaults.stdout().contains("-XX:MaxDirectMemorySize=67108864"), defaults.stdout());
        assertTrue(defaults.stdout().contains("-XX:NewSize=1048576"), defaults.stdout());
        assertTrue(defaults.stdout().contains("-XX:+ExitOnOutOfMemoryError"), defaults.stdout());
        // the appliance sizing of deploy/jvm.options: serial GC, small stacks, bounded metaspace and code cache
        assertTrue(defaults.stdout().contains("-XX:+UseSerialGC"), defaults.stdout());
        assertTrue(defaults.stdout().contains("-XX:ThreadStackSize=512"), defaults.stdout());
        assertTrue(defaults.stdout().contains("-XX:MaxMetaspaceSize=100663296"), defaults.stdout());
        assertTrue(defaults.stdout().contains("-XX:ReservedCodeCacheSize=67108864"), defaults.stdout());

        Map<String, String> bigger = new java.util.HashMap<>(environment);
        bigger.put("WGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx512m");
        CommandResult overridden = run(List.of(launcher().toString(), "--version"), bigger, "");
        assertEquals(0, overridden.exitCode(), overridden.stderr());
        assertTrue(overridden.stdout().contains("-XX:MaxHeapSize=536870912"), overridden.stdout());

        // the override jvm.options documents for large heaps: G1 in place of the serial collector
        Map<String, String> g1 = new java.util.HashMap<>(environment);
        g1.put("WGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:-UseSerialGC -XX:+UseG1GC -Xmx1g");
        CommandResult switched = run(List.of(launcher().toString(), "--version"), g1, "");
        assertEquals(0, switched.exitCode(), switched.stderr());
        assertTrue(switched.stdout().contains("-XX:+UseG1GC"), switched.stdout());
        assertFalse(switched.stdout().contains("-XX:+UseSerialGC"), switched.stdout());
    }

    @Test
    void theLauncherMakesAnAotCacheForTheJarAndAMismatchedOneIsIgnoredSilently() throws Exception {
        Map<String, String> environment = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME", System.getProperty("java.home"), "HOME", tmp.toString(),
                "WGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        Path jar = root().resolve("gateway-server/target/wgate.jar");
        Path aot = root().resolve("gateway-server/target/wgate.aot");
        String version = "wgate " + io.wgate.server.Version.current() + "\n";
        try {
            CommandResult made = run(List.of(launcher().toString(), "--version"), environment, "");
            assertEquals(0, made.exitCode(), made.stderr());
            assertEquals("", made.stderr(), "the training run and the cache say nothing");
            assertTrue(made.stdout().endsWith(version), made.stdout());
            assertTrue(Files.size(aot) > 1 << 20, "the launcher made " + aot);
            assertFalse(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(aot)) > 0,
                    "the cache is as new as the jar");
            assertTrue(made.stdout().contains("-XX:AOTCache=" + aot), made.stdout());

            // A cache that does not match (another build's, or damaged) is one the JVM turns down, silently.
            byte[] garbage = new byte[1 << 16];
            new java.util.Random(42).nextBytes(garbage);
            Files.write(aot, garbage);
            CommandResult mismatched = run(List.of(launcher().toString(), "--version"), environment, "");
            assertEquals(0, mismatched.exitCode(), mismatched.stderr());
            assertEquals("", mismatched.stderr());
            assertTrue(mismatched.stdout().endsWith(version), mismatched.stdout());

            Map<String, String> off = new java.util.HashMap<>(environment);
            off.put("WGATE_AOT", "off");
            CommandResult without = run(List.of(launcher().toString(), "--version"), off, "");
            assertEquals(0, without.exitCode(), without.stderr());
            assertFalse(without.stdout().contains("AOTCache"), without.stdout());
        } finally {
            Files.deleteIfExists(aot); // the next run of the launcher makes a good one again
        }
    }

    @Test
    void generatedSourcesInTargetDirectoriesDoNotMakeItRebuildButASourceEditDoes() throws Exception {
        // A copy of the launcher in a tree of its own, with the built jar and a ./mvnw that only records that it
        // was asked: the real tree's jar is never rebuilt under the running tests.
        Path repo = tmp.resolve("repo");
        Path built = tmp.resolve("built.log");
        Path script = repo.resolve("wgate");
        Files.createDirectories(repo);
        Files.copy(launcher(), script);
        Files.copy(root().resolve("deploy/jvm.options"), Files.createDirectories(repo.resolve("deploy"))
                .resolve("jvm.options"));
        Path mvnw = repo.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho \"$@\" >> " + built + "\nexit 1\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.createDirectories(repo.resolve("gateway-server/target")).resolve("wgate.jar");
        Files.copy(TestRuntime.jar(), jar);
        Path source = Files.createDirectories(repo.resolve("gateway-server/src/main/java")).resolve("Source.java");
        Files.writeString(source, "class Source {}\n");
        Path generated = Files.createDirectories(repo.resolve("benchmarks/target/generated-sources/jmh"))
                .resolve("Generated_jmhTest.java");
        Files.writeString(generated, "class Generated_jmhTest {}\n");
        FileTime jarTime = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(source, FileTime.fromMillis(jarTime.toMillis() - 60_000));
        Files.setLastModifiedTime(generated, FileTime.fromMillis(jarTime.toMillis() + 60_000)); // as after verify
        Map<String, String> environment = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME", System.getProperty("java.home"), "HOME", tmp.toString(), "WGATE_AOT", "off");

        CommandResult unchanged = run(List.of(script.toString(), "--version"), environment, "");

        assertEquals(0, unchanged.exitCode(), unchanged.stdout() + unchanged.stderr());
        assertEquals("wgate " + io.wgate.server.Version.current() + "\n", unchanged.stdout());
        assertFalse(unchanged.stderr().contains("building"), unchanged.stderr());
        assertFalse(Files.exists(built), "the launcher ran ./mvnw for a newer file under a target/ directory");

        Files.setLastModifiedTime(source, FileTime.fromMillis(jarTime.toMillis() + 60_000)); // an edit
        CommandResult edited = run(List.of(script.toString(), "--version"), environment, "");

        assertEquals(1, edited.exitCode(), edited.stdout() + edited.stderr());
        assertTrue(edited.stderr().contains("wgate: building (first use or sources changed)..."), edited.stderr());
        assertTrue(Files.readString(built).contains("package"), "./mvnw was not asked to build");
    }

    /** A {@code .java} or {@code pom.xml} under the repository newer than {@code jar}, as the launcher looks. */
    private static Optional<Path> newerSource(Path jar) throws IOException {
        FileTime built = Files.getLastModifiedTime(jar);
        Path root = root();
        List<Path> newer = new ArrayList<>();
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                return dir.equals(root.resolve(".git")) || dir.getFileName().toString().equals("target")
                        ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if ((name.endsWith(".java") || name.equals("pom.xml")) && attrs.lastModifiedTime().compareTo(built) > 0) {
                    newer.add(file);
                    return java.nio.file.FileVisitResult.TERMINATE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return newer.stream().findFirst();
    }
}
