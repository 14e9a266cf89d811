package io.wgate.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts test helper classes in JVMs of their own, with this test run's class path. */
final class JavaProcesses {

    private JavaProcesses() {
    }

    /** {@code java -cp <test class path> main args...}. */
    static List<String> command(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /** Starts {@link #command}, standard error inherited. */
    static Process start(Class<?> main, List<String> args) throws IOException {
        return new ProcessBuilder(command(main, args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * Starts a {@link FakeGatewayProcess} holding {@code lockFile} and waits until it holds it.
     *
     * @param tail the rest of its command line, e.g. {@code io.wgate.server.Main up /x/NAME.conf --foreground}
     */
    static Process fakeGateway(java.nio.file.Path lockFile, long stopDelayMillis, String... tail) throws IOException {
        List<String> args = new ArrayList<>(List.of(lockFile.toString(), Long.toString(stopDelayMillis)));
        args.addAll(List.of(tail));
        Process process = start(FakeGatewayProcess.class, args);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            process.destroyForcibly();
            throw new IOException("the fake gateway did not take " + lockFile + ": " + line);
        }
        return process;
    }

    /** Kills {@code process} and waits for it. */
    static void kill(Process process) throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
