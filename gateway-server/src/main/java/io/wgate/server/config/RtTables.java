package io.wgate.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routing table names known to iproute2 on this host: the built-in {@code main}, {@code local},
 * {@code default} and {@code unspec}, plus every name in {@code rt_tables} and {@code rt_tables.d/*.conf}
 * under {@code /etc/iproute2} and the distribution defaults ({@code /usr/share/iproute2},
 * {@code /usr/lib/iproute2}). Lines are {@code NUMBER NAME}; {@code #} starts a comment.
 */
public final class RtTables {

    private static final List<Path> DIRECTORIES =
            List.of(Path.of("/etc/iproute2"), Path.of("/usr/share/iproute2"), Path.of("/usr/lib/iproute2"));
    private static final Set<String> BUILT_IN = Set.of("main", "local", "default", "unspec");

    private RtTables() {
    }

    /** The names defined on this host (read each time; the files are tiny). */
    public static Set<String> hostNames() {
        return namesUnder(DIRECTORIES);
    }

    static Set<String> namesUnder(List<Path> directories) {
        Set<String> names = new TreeSet<>(BUILT_IN);
        for (Path dir : directories) {
            List<Path> files = new ArrayList<>();
            files.add(dir.resolve("rt_tables"));
            try (DirectoryStream<Path> d = Files.newDirectoryStream(dir.resolve("rt_tables.d"), "*.conf")) {
                d.forEach(files::add);
            } catch (IOException e) {
                // no rt_tables.d here
            }
            for (Path file : files) {
                try {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        int hash = line.indexOf('#');
                        String[] fields = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
                        if (fields.length >= 2) {
                            names.add(fields[1]);
                        }
                    }
                } catch (IOException e) {
                    // missing or unreadable: iproute2 skips it too
                }
            }
        }
        return names;
    }
}
