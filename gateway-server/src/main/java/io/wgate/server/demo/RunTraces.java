package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files a gateway leaves on the host's file system, which (unlike its links and routes) do not vanish
 * with its network namespace: wgate's {@code /run/wgate/<if>.pid}, {@code .log}, {@code .state} and
 * {@code .lock} (which wgate never deletes, see {@code io.wgate.server.cli.GatewayLock}), and
 * the UAPI socket {@code /var/run/wireguard/<if>.sock} of either implementation. The socket path is
 * shared by all namespaces, which is why every run uses interface names of its own.
 */
public final class RunTraces {

    /** wgate's run directory (see {@code io.wgate.server.cli.RunFiles}). */
    public static final Path WGATE_RUN_DIR = io.wgate.server.net.RunDirectory.DEFAULT;
    /** The UAPI socket directory of wireguard-tools and wireguard-go. */
    public static final Path UAPI_DIR = Path.of("/var/run/wireguard");

    private static final List<String> WGATE_SUFFIXES = List.of(".pid", ".log", ".state", ".pid.tmp", ".lock");

    private RunTraces() {
    }

    /** {@code /run/wgate/<if>.pid}, written by a wgate gateway once it serves. */
    public static Path pidFile(String interfaceName) {
        return WGATE_RUN_DIR.resolve(interfaceName + ".pid");
    }

    /** {@code /var/run/wireguard/<if>.sock}. */
    public static Path uapiSocket(String interfaceName) {
        return UAPI_DIR.resolve(interfaceName + ".sock");
    }

    /** Every trace file of {@code interfaceName} that could exist. */
    static List<Path> candidates(String interfaceName) {
        List<Path> files = new ArrayList<>();
        for (String suffix : WGATE_SUFFIXES) {
            files.add(WGATE_RUN_DIR.resolve(interfaceName + suffix));
        }
        files.add(uapiSocket(interfaceName));
        return files;
    }

    /** The trace files of {@code interfaceName} that still exist. */
    public static List<Path> leftovers(String interfaceName) {
        return candidates(interfaceName).stream().filter(Files::exists).toList();
    }

    /**
     * Deletes every trace file of {@code interfaceName}.
     *
     * @return problems, empty when all are gone
     */
    static List<String> remove(String interfaceName) {
        List<String> problems = new ArrayList<>();
        for (Path file : candidates(interfaceName)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                problems.add("cannot delete " + file + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** The pid recorded in {@code /run/wgate/<if>.pid}, or -1. */
    static long recordedPid(String interfaceName) {
        try {
            return Long.parseLong(Files.readString(pidFile(interfaceName)).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
