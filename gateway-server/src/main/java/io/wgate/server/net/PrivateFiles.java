package io.wgate.server.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files and directories only their owner may read: the {@link RunDirectory} (mode 0700) and the logs in
 * it (0600), which hold the interface's configuration in the commands they echo. Created with that mode
 * from the start (no window with a wider one); an existing one with a wider mode, left by an older wgate
 * or a hand-made directory, is tightened, and that is logged once (once tightened it is not found wide
 * again).
 */
public final class PrivateFiles {

    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private static final System.Logger LOG = System.getLogger(PrivateFiles.class.getName());
    /** Paths whose mode could not be changed, already reported by this process. */
    private static final Set<Path> UNCHANGEABLE_REPORTED = ConcurrentHashMap.newKeySet();

    private PrivateFiles() {
    }

    /**
     * Creates {@code directory} with mode 0700 (its missing parents with the default mode), or tightens it
     * to 0700 when it exists with a wider mode.
     *
     * @throws IOException when it cannot be created, or exists and is not a directory
     */
    public static void ensureDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                return;
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(directory)) {
                    throw e;
                }
                // made by another process meanwhile: check its mode below
            }
        }
        tighten(directory, DIRECTORY_MODE);
    }

    /**
     * Creates {@code file} empty with mode 0600, or tightens it to 0600 when it exists with a wider mode.
     * Its directory must exist.
     */
    public static void ensureFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
        } catch (FileAlreadyExistsException e) {
            tighten(file, FILE_MODE);
        }
    }

    /**
     * Sets {@code path} to {@code mode} when group or others have any permission on it, and logs that it
     * did (a warning: someone or something had widened it). A path that is gone is left alone; one that
     * cannot be changed (owned by another user) is left as it is, and reported once per process.
     *
     * @return whether the mode was changed
     */
    static boolean tighten(Path path, Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> current;
        try {
            current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        if (current.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
            return false;
        }
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (IOException e) {
            if (UNCHANGEABLE_REPORTED.add(path.toAbsolutePath().normalize())) {
                LOG.log(Level.WARNING, "{0} has mode {1}, and it cannot be changed to {2}: {3}", path, octal(current),
                        octal(mode), e.getMessage());
            }
            return false;
        }
        LOG.log(Level.WARNING, "{0} had mode {1}; changed it to {2}: only its owner may read wgate''s run files",
                path, octal(current), octal(mode));
        return true;
    }

    /** {@code 0755} for {@code rwxr-xr-x}. */
    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
