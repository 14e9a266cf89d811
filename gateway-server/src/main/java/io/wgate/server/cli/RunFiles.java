package io.wgate.server.cli;

import io.wgate.server.net.PrivateFiles;
import io.wgate.server.net.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * Where a gateway process leaves its traces, all in the {@link RunDirectory} ({@code /run/wgate}, or
 * {@code WGATE_RUN_DIR}), beside the network state file of {@link io.wgate.server.net.LinkSetup}:
 * {@code <if>.lock} (held by the gateway process while it lives, see {@link GatewayLock}),
 * {@code <if>.pid} (written once it serves, the signal {@link Daemon} waits for) and {@code <if>.log}
 * (a background gateway's output). The directory is mode 0700 and the log 0600: only root reads them.
 */
public final class RunFiles {

    /** Default directory, shared with the host-network state files. */
    public static final Path DEFAULT_DIR = RunDirectory.DEFAULT;

    private final Path dir;

    public RunFiles(Path dir) {
        this.dir = dir;
    }

    /** The {@link RunDirectory}: {@code WGATE_RUN_DIR}, else {@link #DEFAULT_DIR}. */
    public static RunFiles system() {
        return new RunFiles(RunDirectory.fromEnvironment());
    }

    public Path dir() {
        return dir;
    }

    public Path lockFile(String name) {
        return dir.resolve(name + ".lock");
    }

    public Path pidFile(String name) {
        return dir.resolve(name + ".pid");
    }

    public Path logFile(String name) {
        return dir.resolve(name + ".log");
    }

    /**
     * Creates the run directory (mode 0700) and {@code name}'s log (mode 0600) if missing, tightening either
     * to that mode if wider (see {@link PrivateFiles}).
     */
    public void prepareLog(String name) throws IOException {
        PrivateFiles.ensureDirectory(dir);
        PrivateFiles.ensureFile(logFile(name));
    }

    /** Records that this process serves {@code name}; written atomically (rename). */
    public void writePid(String name, long pid) throws IOException {
        PrivateFiles.ensureDirectory(dir);
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

    /**
     * Removes the pid file whatever it names: only for the holder of {@code name}'s lock, for which any
     * pid file is a dead run's.
     *
     * @return whether there was one
     */
    public boolean removeStalePid(String name) throws IOException {
        return Files.deleteIfExists(pidFile(name));
    }

    /**
     * The message for a run file that could not be created or opened, with the likely remedy when it
     * was a permission problem.
     */
    static String describe(Path file, IOException e) {
        boolean denied = e instanceof AccessDeniedException
                || (e.getMessage() != null && e.getMessage().contains("Permission denied"));
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.toString() : e.getMessage();
        return "cannot open " + file + ": " + reason + (denied ? " (wgate needs root, or CAP_NET_ADMIN and a"
                + " writable run directory, which " + RunDirectory.ENVIRONMENT_VARIABLE + " can name)" : "");
    }
}
