package io.wgate.server.net;

import java.nio.file.Path;

/**
 * The one directory where wgate keeps the run files of its interfaces: the network state of
 * {@link NetStateStore} and, beside it, the lock, pid and log files of {@code io.wgate.server.cli.RunFiles}.
 * {@code /run/wgate} unless the {@value #ENVIRONMENT_VARIABLE} environment variable names another; every
 * command reads it from here, so {@code wgate up} and {@code wgate down} always look in the same place.
 * Mode 0700, created so or tightened to it ({@link PrivateFiles}).
 */
public final class RunDirectory {

    /** The default, a tmpfs on systemd hosts: a reboot clears it together with the routes it describes. */
    public static final Path DEFAULT = Path.of("/run/wgate");
    /** The environment variable that overrides {@link #DEFAULT} (tests use their own directory). */
    public static final String ENVIRONMENT_VARIABLE = "WGATE_RUN_DIR";

    private RunDirectory() {
    }

    /** The directory named by {@value #ENVIRONMENT_VARIABLE}, else {@link #DEFAULT}. */
    public static Path fromEnvironment() {
        return of(System.getenv(ENVIRONMENT_VARIABLE));
    }

    /** {@code override} as a path, or {@link #DEFAULT} when it is null or blank. */
    static Path of(String override) {
        return override == null || override.isBlank() ? DEFAULT : Path.of(override.strip());
    }
}
