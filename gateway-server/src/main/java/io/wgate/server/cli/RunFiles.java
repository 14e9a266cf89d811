package io.wgate.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a running gateway leaves its traces: {@code /run/wgate/<if>.pid} (written once it serves),
 * {@code /run/wgate/<if>.log} (a background gateway's output). The network state file of
 * {@link io.wgate.server.net.LinkSetup} lives beside them. The directory is overridable with the
 * {@code WGATE_RUN_DIR} environment variable (tests use their own).
 */
public final class RunFiles {

    /** Default directory, shared with the host-network state files. */
    public static final Path DEFAULT_DIR = Path.of("/run/wgate");

    private final Path dir;

    public RunFiles(Path dir) {
        this.dir = dir;
    }

    /** The directory from {@code WGATE_RUN_DIR}, else {@link #DEFAULT_DIR}. */
    public static RunFiles system() {
        String override = System.getenv("WGATE_RUN_DIR");
        return new RunFiles(override == null || override.isBlank() ? DEFAULT_DIR : Path.of(override));
    }

    public Path dir() {
        return dir;
    }

    public Path pidFile(String name) {
        return dir.resolve(name + ".pid");
    }

    public Path logFile(String name) {
        return dir.resolve(name + ".log");
    }

    /** Records that this process serves {@code name}; written atomically (rename). */
    public void writePid(String name, long pid) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".pid.tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The recorded pid, if the file exists and holds a number. */
    public OptionalLong readPid(String name) {
        try {
            String text = Files.readString(pidFile(name), StandardCharsets.US_ASCII).strip();
            return OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The live process serving {@code name}, if any. */
    public Optional<ProcessHandle> process(String name) {
        OptionalLong pid = readPid(name);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    }

    /** Removes the pid file if it still names {@code pid}. */
    public void removePid(String name, long pid) {
        OptionalLong recorded = readPid(name);
        if (recorded.isPresent() && recorded.getAsLong() == pid) {
            try {
                Files.deleteIfExists(pidFile(name));
            } catch (IOException ignored) {
                // best effort at shutdown
            }
        }
    }
}
