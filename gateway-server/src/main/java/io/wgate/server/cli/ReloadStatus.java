package io.wgate.server.cli;

import io.wgate.server.net.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a gateway's latest reload, in {@code <run dir>/<if>.reload} (mode 0600), which {@code wgate reload}
 * waits for after it sent SIGHUP:
 *
 * <pre>
 * started-ms 1764950000123
 * result ok
 * change address 10.9.0.1/24 added
 * change peer Satellite (Zx4a…Yc=) added
 * </pre>
 *
 * {@code started-ms} is the wall-clock time at which the gateway began to read the file, so a client that sent its
 * signal at T knows that a status with {@code started-ms >= T} answers it. {@code result} is {@code ok} or
 * {@code failed}; a failed reload has one {@code error} line instead of changes. Never key material: the lines come
 * from {@link io.wgate.server.gateway.Gateway#reload} and the config parser's messages, which name keys, not values.
 *
 * @param startedMillis when the reload began to read the file
 * @param ok            whether it was applied
 * @param lines         the changes (ok) or the one error (failed)
 */
record ReloadStatus(long startedMillis, boolean ok, List<String> lines) {

    ReloadStatus {
        lines = List.copyOf(lines);
        lines.forEach(l -> {
            if (l.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a status line cannot hold a newline: " + l);
            }
        });
    }

    static Path file(RunFiles runFiles, String name) {
        return runFiles.dir().resolve(name + ".reload");
    }

    /** Writes the status atomically (a temporary file, then a rename), mode 0600. */
    void write(RunFiles runFiles, String name) throws IOException {
        PrivateFiles.ensureDirectory(runFiles.dir());
        Path target = file(runFiles, name);
        Path tmp = runFiles.dir().resolve(name + ".reload.tmp");
        Files.deleteIfExists(tmp);
        PrivateFiles.ensureFile(tmp);
        StringBuilder text = new StringBuilder();
        text.append("started-ms ").append(startedMillis).append('\n');
        text.append("result ").append(ok ? "ok" : "failed").append('\n');
        for (String line : lines) {
            text.append(ok ? "change " : "error ").append(line).append('\n');
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The status recorded for {@code name}, empty when there is none or it is unreadable. */
    static Optional<ReloadStatus> read(RunFiles runFiles, String name) {
        List<String> text;
        try {
            text = Files.readAllLines(file(runFiles, name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        return parse(text);
    }

    static Optional<ReloadStatus> parse(List<String> text) {
        long started = -1;
        Boolean ok = null;
        List<String> lines = new ArrayList<>();
        for (String line : text) {
            int space = line.indexOf(' ');
            if (space < 0) {
                return Optional.empty();
            }
            String key = line.substring(0, space);
            String value = line.substring(space + 1);
            switch (key) {
                case "started-ms" -> {
                    try {
                        started = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
                case "result" -> ok = value.equals("ok");
                case "change", "error" -> lines.add(value);
                default -> {
                    return Optional.empty();
                }
            }
        }
        return started < 0 || ok == null ? Optional.empty() : Optional.of(new ReloadStatus(started, ok, lines));
    }

    /** Removes a status a dead run left behind. */
    static void remove(RunFiles runFiles, String name) {
        try {
            Files.deleteIfExists(file(runFiles, name));
        } catch (IOException ignored) {
            // best effort
        }
    }
}
