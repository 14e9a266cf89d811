package io.wgate.server.config;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Replaces a file's content all at once, as wg-quick's {@code save_config} does: the new text goes to a temporary
 * file beside it ({@code .NAME.XXXX.tmp}, created with mode 0600, then given the old file's mode, owner and group),
 * is flushed to disk, and is renamed over the file. A reader, or a crash, sees the old file or the new one, never a
 * half-written one; on any failure the temporary file goes and the old file stays as it was. A symbolic link is
 * followed: the file it points at is replaced, the link stays.
 */
public final class AtomicReplace {

    /** Writes the new content to the temporary file; a test seam for failures half way. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicReplace() {
    }

    /**
     * Replaces {@code file}'s content with {@code text} (UTF-8), keeping its mode, owner and group.
     *
     * @throws IOException when the file does not exist or cannot be replaced; the file is then unchanged
     */
    public static void replace(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        replace(file, out -> out.write(bytes));
    }

    static void replace(Path file, Content content) throws IOException {
        Path target = file.toRealPath();
        PosixFileAttributes old = Files.readAttributes(target, PosixFileAttributes.class);
        Path dir = target.getParent();
        Path temporary = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            keepOwnerAndMode(temporary, old);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Owner and group first (changing them may clear set-id bits), then the mode. */
    private static void keepOwnerAndMode(Path temporary, PosixFileAttributes old) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes now = view.readAttributes();
        UserPrincipal owner = old.owner();
        GroupPrincipal group = old.group();
        if (!now.owner().equals(owner)) {
            view.setOwner(owner);
        }
        if (!now.group().equals(group)) {
            view.setGroup(group);
        }
        view.setPermissions(old.permissions());
    }

    /** The rename itself reaches the disk (best effort: some file systems refuse to sync a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // the rename is done; only its durability across a power cut is in question
        }
    }
}
