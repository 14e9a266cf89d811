package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The private temporary directory of one run (configs with private keys, logs, served files). */
final class WorkDir {

    private WorkDir() {
    }

    /** A new directory {@code $TMPDIR/wgate-demo-*}, mode 700. */
    static Path create() throws IOException {
        return Files.createTempDirectory("wgate-demo-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Deletes {@code root} and everything below it.
     *
     * @return problems, empty when it is gone
     */
    static List<String> delete(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    problems.add("cannot delete " + file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add("cannot list " + root + ": " + e.getMessage());
        }
        return problems;
    }
}
