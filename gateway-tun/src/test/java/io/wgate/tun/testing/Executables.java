package io.wgate.tun.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host commands a test runs ({@code wg}, {@code wireguard-go}, {@code ip}, ...): where they are, and which Debian
 * package installs a missing one. {@link RequiresRoot} uses this for {@link RequiresCommands}; tests use
 * {@link #require} to run the same file the gate found.
 *
 * <p>Lookup is by {@code PATH} first, then {@code /usr/sbin}, {@code /sbin}, {@code /usr/bin} and {@code /bin},
 * because a non-root {@code PATH} often lacks the sbin directories (where {@code ip} lives).
 */
public final class Executables {

    /** Searched after {@code PATH}, in this order. */
    static final List<String> FALLBACK_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    /** The Debian/Ubuntu package that installs each command the tests use. */
    private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
            "wg", "wireguard-tools",
            "wg-quick", "wireguard-tools",
            "wireguard-go", "wireguard-go",
            "ip", "iproute2",
            "iperf3", "iperf3",
            "ethtool", "ethtool",
            "ping", "iputils-ping",
            "curl", "curl",
            "prometheus", "prometheus",
            "promtool", "prometheus");

    private Executables() {
    }

    /**
     * The executable file {@code name} resolves to, if installed.
     *
     * @param name a bare command name such as {@code wg}
     * @throws IllegalArgumentException if {@code name} is empty or contains a {@code /}
     */
    public static Optional<Path> find(String name) {
        return find(name, System.getenv("PATH"));
    }

    /** {@link #find(String)} against the given {@code PATH} value ({@code null} for none). */
    static Optional<Path> find(String name, String pathVariable) {
        checkName(name);
        for (String directory : searchPath(pathVariable)) {
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The executable file {@code name} resolves to.
     *
     * @throws IllegalStateException naming the command, where it was looked for and how to install it
     */
    public static Path require(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException(notFound(name)));
    }

    /** What to do about a missing {@code name}: {@code apt-get install <package>} where the package is known. */
    public static String installHint(String name) {
        String debianPackage = DEBIAN_PACKAGES.get(name);
        return debianPackage == null ? "install the package that provides " + name
                : "install " + debianPackage + ": apt-get install " + debianPackage;
    }

    /** {@code wg not found on PATH or in /usr/sbin, /sbin, /usr/bin, /bin (install wireguard-tools: ...)}. */
    static String notFound(String name) {
        return name + " not found on PATH or in " + String.join(", ", FALLBACK_DIRECTORIES) + " ("
                + installHint(name) + ")";
    }

    private static List<String> searchPath(String pathVariable) {
        List<String> directories = new ArrayList<>();
        if (pathVariable != null) {
            for (String directory : pathVariable.split(":")) {
                if (!directory.isEmpty()) { // an empty entry means ".", which a test must not depend on
                    directories.add(directory);
                }
            }
        }
        directories.addAll(FALLBACK_DIRECTORIES);
        return directories;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("'" + name + "' is not a bare command name such as wg");
        }
    }
}
