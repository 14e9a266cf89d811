package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code wgate demo} as a user runs it: in-process with both peers, and as its own JVM stopped with
 * SIGTERM half-way (what Ctrl-C does), after which nothing of the run may remain.
 */
@Privileged
class DemoCommandIT {

    private static final Pattern TAG = Pattern.compile("namespaces (wgd[0-9a-f]{4})-\\*");

    @BeforeAll
    static void pointAtTheJar() {
        System.setProperty(JavaRuntime.JAR_PROPERTY, TestRuntime.jar().toAbsolutePath().toString());
    }

    @Test
    void demoWithWgateOnBothGateways() {
        String output = runDemo();
        assertTrue(output.contains("Satellite Office (wgate)"), output);
    }

    @Test
    @RequiresCommands("wireguard-go")
    void demoWithWireguardGoOnTheSatellite() {
        String output = runDemo("--peer", "wireguard-go");
        assertTrue(output.contains("Satellite Office (wireguard-go)"), output);
    }

    private static String runDemo(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long startNanos = System.nanoTime();
        int status = DemoCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        System.out.printf("wgate demo %s: exit %d in %.1f s%n%s", String.join(" ", args), status,
                (System.nanoTime() - startNanos) / 1e9, output);
        assertEquals(0, status, output);
        assertTrue(output.contains("3/3 replies"), output);
        assertTrue(output.contains("HTTP 200"), output);
        assertTrue(output.contains("handshake done"), output);
        String tag = tagOf(output);
        for (String dev : List.of(new SiteNames(tag).mainInterface(), new SiteNames(tag).satelliteInterface())) {
            assertTrue(output.contains("interface: " + dev), "no 'wg show' output for " + dev + ":\n" + output);
        }
        assertTrue(output.contains("wgate demo: OK"), output);
        assertNothingLeft(tag);
        return output;
    }

    @Test
    void sigtermDuringTheDemoRemovesEverything() throws Exception {
        JavaRuntime runtime = TestRuntime.runtime();
        List<String> command = new ArrayList<>(List.of(runtime.java().toString()));
        command.addAll(JavaRuntime.JVM_OPTIONS);
        command.addAll(List.of("-D" + JavaRuntime.JAR_PROPERTY + "=" + runtime.jar(), "-cp", runtime.jar().toString(),
                DemoCommand.class.getName()));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        String tag = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher m = TAG.matcher(line);
                if (m.find()) {
                    tag = m.group(1);
                }
                if (line.startsWith("  tunnel")) {
                    // SIGTERM, as from kill (Ctrl-C's SIGINT runs the same shutdown hooks). Process.destroy()
                    // would also close our end of its output, so signal through the handle.
                    demo.toHandle().destroy();
                }
            }
        }
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "demo did not exit after SIGTERM:\n" + output);
        System.out.println("demo stopped by SIGTERM, exit " + demo.exitValue() + ":\n" + output);
        assertTrue(tag != null, "no tag in output:\n" + output);
        assertTrue(output.indexOf("wgate demo: OK") < 0 && demo.exitValue() != 0,
                "the demo finished before the signal, so this proved nothing:\n" + output);
        assertNothingLeft(tag);
    }

    private static String tagOf(String output) {
        Matcher m = TAG.matcher(output);
        assertTrue(m.find(), "no namespace tag in output:\n" + output);
        return m.group(1);
    }

    /** No namespace, run file or socket of the run with {@code tag} remains. */
    private static void assertNothingLeft(String tag) {
        SiteNames names = new SiteNames(tag);
        List<String> left = new ArrayList<>();
        for (String ns : names.namespaces()) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                left.add(ns);
            }
        }
        for (String dev : List.of(names.mainInterface(), names.satelliteInterface())) {
            RunTraces.leftovers(dev).forEach(p -> left.add(p.toString()));
        }
        // Gateways, web servers and clients all have the tag in their command lines.
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(tag + "-"))
                .forEach(p -> left.add("process " + p.pid() + ": " + p.info().commandLine().orElse("")));
        assertEquals(List.of(), left, "left behind by the demo run " + tag);
    }
}
