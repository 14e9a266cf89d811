package io.wgate.server.cli;

import io.wgate.server.net.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on {@code <run dir>/<if>.lock} that says "a live process owns this interface".
 * The gateway process takes it before it touches anything and holds it until it exits; the kernel
 * releases it when the process dies, however it dies (a {@code fcntl} lock, through
 * {@link FileChannel#tryLock()}). So whoever gets the lock knows that no gateway serves the interface
 * and that any state, pid file or UAPI socket left for it is a dead run's; whoever finds it held knows
 * that one does, even while it is still starting and has written no pid file yet.
 *
 * <p>The gateway writes its pid into the lock file once it holds it, for {@code wgate down}. The file
 * itself is never deleted: a process that opened it just before the deletion could lock the orphaned
 * file while a third one locks a new file under the same name.
 *
 * <p>POSIX locks belong to the process, and closing any channel of a file drops all of the process's
 * locks on it, so within this JVM a held lock is remembered and never probed through a second channel.
 */
final class GatewayLock implements AutoCloseable {

    /** The outcome of {@link #tryAcquire}. */
    sealed interface Attempt permits Acquired, Held {
    }

    /** The lock is ours now. */
    record Acquired(GatewayLock lock) implements Attempt {
    }

    /** Another process (or this one) holds it; {@code pid} is what the holder recorded, if anything. */
    record Held(OptionalLong pid) implements Attempt {
    }

    private static final Map<Path, GatewayLock> HELD_HERE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private GatewayLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock without waiting; creates the directory (mode 0700, or tightens it to that) and the
     * file when needed.
     *
     * @throws IOException when the file cannot be created or opened (not root, typically)
     */
    static synchronized Attempt tryAcquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (HELD_HERE.containsKey(key)) {
            return new Held(OptionalLong.of(ProcessHandle.current().pid()));
        }
        PrivateFiles.ensureDirectory(key.getParent());
        FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return new Held(recordedOwner(key));
        }
        GatewayLock acquired = new GatewayLock(key, channel, lock);
        HELD_HERE.put(key, acquired);
        return new Acquired(acquired);
    }

    /** The lock file. */
    Path file() {
        return file;
    }

    /** Writes {@code pid} into the lock file, replacing what an earlier holder wrote. */
    void recordOwner(long pid) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    /** The pid the holder of {@code file} recorded; empty when there is none (yet). */
    static OptionalLong recordedOwner(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Releases the lock (a gateway never does: its exit releases it). */
    @Override
    public void close() throws IOException {
        synchronized (GatewayLock.class) {
            HELD_HERE.remove(file, this);
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
