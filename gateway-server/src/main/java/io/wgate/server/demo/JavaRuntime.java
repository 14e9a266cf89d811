package io.wgate.server.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the demo starts Java children (the wgate gateways, the fetch client, the JDK's web server): the
 * {@code java} binary running this process and the wgate jar.
 *
 * @param java the {@code java} launcher
 * @param jar  {@code wgate.jar}
 */
public record JavaRuntime(Path java, Path jar) {

    /** System property naming the jar when this process does not run from it (tests). */
    public static final String JAR_PROPERTY = "wgate.jar";

    /** Options the gateway needs on JDK 25 (FFM for TUN and OpenSSL, Netty's use of Unsafe). */
    public static final List<String> JVM_OPTIONS =
            List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    /**
     * System property with extra options for the gateway JVMs started through {@link #wgate}, separated by
     * white space (the integration tests turn on Netty's leak detection in the gateways with it).
     */
    public static final String GATEWAY_OPTIONS_PROPERTY = "wgate.gateway.jvmOptions";

    public JavaRuntime {
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(jar, "jar");
    }

    /**
     * The running {@code java} and the jar this process runs from ({@code java.class.path}), or the one
     * named by {@code -Dwgate.jar=}.
     *
     * @throws IllegalStateException when no jar is found
     */
    public static JavaRuntime current() {
        String property = System.getProperty(JAR_PROPERTY);
        Path jar;
        if (property != null && !property.isBlank()) {
            jar = Path.of(property);
        } else {
            String classPath = System.getProperty("java.class.path", "");
            if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
                throw new IllegalStateException("cannot find wgate.jar: run from the jar (./wgate demo) or pass -D"
                        + JAR_PROPERTY + "=PATH");
            }
            jar = Path.of(classPath);
        }
        return withJar(jar);
    }

    /** The running {@code java} with the given jar. */
    public static JavaRuntime withJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("wgate jar " + jar + " does not exist; build it with"
                    + " ./mvnw -pl gateway-server -am package -DskipTests");
        }
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        return new JavaRuntime(java, jar.toAbsolutePath());
    }

    /** {@code jwebserver} next to {@link #java()} (part of every JDK since 18). */
    public Path jwebserver() {
        Path beside = java.resolveSibling("jwebserver");
        return Files.isExecutable(beside) ? beside : Path.of(System.getProperty("java.home"), "bin", "jwebserver");
    }

    /** {@code java <JVM_OPTIONS> <gateway options> -jar wgate.jar args...}. */
    public List<String> wgate(String... args) {
        List<String> line = new ArrayList<>();
        line.add(java.toString());
        line.addAll(JVM_OPTIONS);
        line.addAll(gatewayOptions());
        line.add("-jar");
        line.add(jar.toString());
        line.addAll(List.of(args));
        return line;
    }

    /** {@code java -cp wgate.jar mainClass args...} (for the small tools of this package). */
    public List<String> tool(Class<?> mainClass, String... args) {
        List<String> line = new ArrayList<>(List.of(java.toString(), "-cp", jar.toString(),
                mainClass.getName()));
        line.addAll(List.of(args));
        return line;
    }

    /** The options named by {@link #GATEWAY_OPTIONS_PROPERTY}, none when it is unset. */
    static List<String> gatewayOptions() {
        String options = System.getProperty(GATEWAY_OPTIONS_PROPERTY, "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }
}
