package io.wgate.server.cli;

import io.wgate.server.gateway.Gateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The offloads a running gateway has in effect, kept in {@code <if>.offloads} of the {@link RunFiles} directory for
 * {@code wgate show}: written once the gateway serves and again whenever it changes (an offload the kernel refuses
 * at run time switches itself off), checked every {@link #REFRESH}. One line, as
 * {@link Gateway#offloadSummary()} says it. Removed when the gateway stops.
 */
final class OffloadStatus {

    /** How often a running gateway's offloads are compared with what the file says. */
    static final Duration REFRESH = Duration.ofSeconds(5);

    private OffloadStatus() {
    }

    static Path file(RunFiles runFiles, String name) {
        return runFiles.dir().resolve(name + ".offloads");
    }

    /**
     * Keeps the file up to date on a daemon thread until the gateway closes. Failures are ignored: the file is only a
     * convenience for {@code wgate show}.
     */
    static void maintain(Gateway gateway, RunFiles runFiles, String name) {
        Thread.ofPlatform().daemon().name("wgate-" + name + "-status").start(() -> {
            String written = null;
            while (!gateway.isClosing() && !gateway.terminated().isDone()) {
                try {
                    String now = gateway.offloadSummary();
                    if (!now.equals(written)) {
                        write(runFiles, name, now);
                        written = now;
                    }
                    Thread.sleep(REFRESH);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    return; // the gateway is stopping
                }
            }
        });
    }

    static void write(RunFiles runFiles, String name, String summary) throws IOException {
        Path file = file(runFiles, name);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, summary + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** What the file says, if there is one. */
    static Optional<String> read(RunFiles runFiles, String name) {
        try {
            return Optional.of(Files.readString(file(runFiles, name), StandardCharsets.US_ASCII).strip())
                    .filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void remove(RunFiles runFiles, String name) {
        try {
            Files.deleteIfExists(file(runFiles, name));
        } catch (IOException ignored) {
            // best effort at shutdown
        }
    }
}
