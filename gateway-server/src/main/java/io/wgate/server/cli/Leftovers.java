package io.wgate.server.cli;

import io.wgate.server.net.LinkSetup;
import io.wgate.server.uapi.UapiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway that no longer runs left behind, removed by {@code wgate down} while it holds the
 * interface's {@link GatewayLock} (so no live gateway can own any of it): its host changes (the state
 * file, undone with {@link LinkSetup#cleanup}, PreDown/PostDown hooks included), its pid file, and its
 * UAPI socket if nobody listens on it any more.
 */
final class Leftovers {

    /**
     * What {@link #remove} found.
     *
     * @param hostChanges whether a state file of host changes was there (undone unless {@code problems} says so)
     * @param pidFile     whether a pid file was deleted
     * @param uapiSocket  whether a stale UAPI socket was deleted
     * @param problems    what could not be removed, one message each
     */
    record Report(boolean hostChanges, boolean pidFile, boolean uapiSocket, List<String> problems) {

        Report {
            problems = List.copyOf(problems);
        }

        boolean foundAny() {
            return hostChanges || pidFile || uapiSocket;
        }

        /** For example {@code "host changes, pid file"}. */
        String summary() {
            List<String> parts = new ArrayList<>();
            if (hostChanges) {
                parts.add("host changes (routes, addresses, rules, hooks)");
            }
            if (pidFile) {
                parts.add("pid file");
            }
            if (uapiSocket) {
                parts.add("UAPI socket");
            }
            return String.join(", ", parts);
        }
    }

    private final RunFiles runFiles;
    private final LinkSetup linkSetup;
    private final Path uapiDirectory;

    Leftovers(RunFiles runFiles, LinkSetup linkSetup, Path uapiDirectory) {
        this.runFiles = runFiles;
        this.linkSetup = linkSetup;
        this.uapiDirectory = uapiDirectory;
    }

    /**
     * Whether any trace of a run of {@code name} is there (state file, pid file, UAPI socket), looked at without
     * creating anything: {@code wgate down} of a name that never ran leaves the run directory as it was.
     */
    boolean anyTrace(String name) {
        return Files.exists(linkSetup.statePath(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(runFiles.pidFile(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(uapiDirectory.resolve(name + ".sock"), LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes everything {@code name}'s dead gateway left; call only while holding its lock. */
    Report remove(String name) {
        List<String> problems = new ArrayList<>();
        boolean hostChanges;
        try {
            hostChanges = linkSetup.cleanup(name);
        } catch (IOException e) {
            hostChanges = true;
            problems.add("could not undo every host change of " + name + ": " + e.getMessage());
        }
        boolean pidFile = false;
        try {
            pidFile = runFiles.removeStalePid(name);
        } catch (IOException e) {
            problems.add("cannot delete " + runFiles.pidFile(name) + ": " + e.getMessage());
        }
        boolean socket = UapiServer.removeStaleSocket(uapiDirectory, name);
        return new Report(hostChanges, pidFile, socket, problems);
    }
}
