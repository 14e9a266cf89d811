package io.wgate.server.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps one {@link NetState} file per interface, {@code <dir>/<if>.state}; in the {@link RunDirectory}
 * by default ({@code /run/wgate}, a tmpfs, so a reboot, which also clears the routes, clears the states;
 * {@code WGATE_RUN_DIR} moves it together with the lock and pid files). Files are replaced
 * atomically (write a temporary file, then rename), so a crash leaves either the old or the new state.
 */
public final class NetStateStore {

    private final Path directory;

    public NetStateStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The store in the {@link RunDirectory} ({@code WGATE_RUN_DIR}, else {@code /run/wgate}). */
    public static NetStateStore system() {
        return new NetStateStore(RunDirectory.fromEnvironment());
    }

    /** The directory holding the state files. */
    public Path directory() {
        return directory;
    }

    /** The state file of an interface. */
    public Path pathFor(String interfaceName) {
        return directory.resolve(interfaceName + ".state");
    }

    /**
     * Reads an interface's state.
     *
     * @return empty when there is no state file
     * @throws IOException when it cannot be read or is corrupt (the message names the file and line)
     */
    public Optional<NetState> read(String interfaceName) throws IOException {
        Path file = pathFor(interfaceName);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(NetState.parse(lines));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": corrupt state file: " + e.getMessage()
                    + "; inspect it, undo its steps by hand and delete it", e);
        }
    }

    /**
     * Replaces the interface's state file (mode 0600: it holds the down hooks); creates the directory (mode
     * 0700) when needed, or tightens it to that.
     */
    public void write(NetState state) throws IOException {
        PrivateFiles.ensureDirectory(directory);
        Path target = pathFor(state.interfaceName());
        Path temp = Files.createTempFile(directory, "." + state.interfaceName() + ".", ".tmp");
        try {
            Files.writeString(temp, state.serialize(), StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Removes the interface's state file if there is one. */
    public void delete(String interfaceName) throws IOException {
        Files.deleteIfExists(pathFor(interfaceName));
    }
}
