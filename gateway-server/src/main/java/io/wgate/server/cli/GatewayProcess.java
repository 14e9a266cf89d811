package io.wgate.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises a wgate gateway process for an interface from its command line, before {@code wgate down}
 * signals it: the pid it has may be stale (a gateway that died without cleaning up, the pid since
 * reused by an unrelated process), so only a process that runs {@code wgate ... up CONFIG} for the
 * same interface is stopped. It matches the launcher and the container ({@code java ... -jar
 * .../wgate.jar up CONFIG ...}) and the background child ({@code java ... io.wgate.server.Main up CONFIG
 * --foreground ...}), and the same with {@code userspace [--foreground] NAME} ({@code wgate-userspace}).
 */
final class GatewayProcess {

    static final String MAIN_CLASS = "io.wgate.server.Main";

    private GatewayProcess() {
    }

    /**
     * The command line of {@code process} (executable and arguments), if the system tells it: read whole
     * from {@code /proc/PID/cmdline} ({@link ProcessHandle.Info#arguments()} is empty when the command
     * line is longer than a page, as a long class path makes it), else from {@link ProcessHandle#info()}.
     */
    static Optional<List<String>> commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            if (raw.length > 0) {
                String text = new String(raw, StandardCharsets.UTF_8);
                return Optional.of(List.of((text.endsWith("\0") ? text.substring(0, text.length() - 1) : text)
                        .split("\0", -1)));
            }
        } catch (IOException e) {
            // not Linux, or the process is gone: ask the JDK
        }
        ProcessHandle.Info info = process.info();
        Optional<String[]> arguments = info.arguments();
        if (info.command().isEmpty() || arguments.isEmpty()) {
            return Optional.empty();
        }
        List<String> line = new ArrayList<>();
        line.add(info.command().get());
        line.addAll(List.of(arguments.get()));
        return Optional.of(line);
    }

    /** Whether {@code process} is alive and runs {@code wgate up} for interface {@code name}. */
    static boolean serves(ProcessHandle process, String name) {
        return process.isAlive() && commandLine(process).map(line -> serves(line, name)).orElse(false);
    }

    /** Whether {@code commandLine} is {@code wgate up} (or {@code wgate userspace}) for interface {@code name}. */
    static boolean serves(List<String> commandLine, String name) {
        int program = programIndex(commandLine);
        if (program < 0 || program + 1 >= commandLine.size()) {
            return false;
        }
        if (commandLine.get(program + 1).equals("userspace")) {
            try {
                return UserspaceCommand.parse(commandLine.subList(program + 2, commandLine.size())).name().equals(name);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (!commandLine.get(program + 1).equals("up")) {
            return false;
        }
        try {
            UpCommand.Arguments up = UpCommand.parse(commandLine.subList(program + 2, commandLine.size()));
            return InterfaceName.of(up.config().toString()).equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The index of wgate's main class or jar in a {@code java} command line, or -1. */
    private static int programIndex(List<String> commandLine) {
        for (int i = 1; i < commandLine.size(); i++) {
            String arg = commandLine.get(i);
            if (arg.equals(MAIN_CLASS)) {
                return i;
            }
            if (commandLine.get(i - 1).equals("-jar")) {
                Path file = Path.of(arg).getFileName();
                String jar = file == null ? "" : file.toString();
                return jar.startsWith("wgate") && jar.endsWith(".jar") ? i : -1;
            }
        }
        return -1;
    }
}
