package io.wgate.server.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/** The wgate jar Failsafe tests run against: {@code -Dwgate.jar=}, else {@code <basedir>/target/wgate.jar}. */
public final class TestRuntime {

    private TestRuntime() {
    }

    public static Path jar() {
        String property = System.getProperty(JavaRuntime.JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "wgate.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: integration tests run after"
                    + " 'package' (./mvnw verify), or pass -D" + JavaRuntime.JAR_PROPERTY + "=PATH");
        }
        return jar;
    }

    public static JavaRuntime runtime() {
        return JavaRuntime.withJar(jar());
    }
}
