package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the demo needs from the host, checked before anything is changed. */
final class Prerequisites {

    private Prerequisites() {
    }

    /** A message saying what is missing for a demo with {@code peer} on the Satellite, or null. */
    static String missing(GatewayKind peer) {
        return missing(peer, effectiveUid());
    }

    /** {@link #missing(GatewayKind)} for a process with effective uid {@code euid}. */
    static String missing(GatewayKind peer, long euid) {
        if (euid != 0) {
            return DemoCommand.NEEDS_ROOT;
        }
        if (Shell.which("ip").isEmpty()) {
            return "wgate demo needs ip(8) from iproute2: apt-get install iproute2";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "wgate demo needs /dev/net/tun: modprobe tun (in Docker: --device /dev/net/tun --cap-add NET_ADMIN)";
        }
        if (peer == GatewayKind.WIREGUARD_GO && WireguardGoGateway.binary().isEmpty()) {
            return "wgate demo --peer wireguard-go needs wireguard-go, which is not installed:\n"
                    + "  apt-get install wireguard-go   (Debian/Ubuntu; bookworm-backports has a faster build)\n"
                    + "  or build it from https://git.zx2c4.com/wireguard-go and put it on the PATH";
        }
        return null;
    }

    /** The effective uid from {@code /proc/self/status}, or -1 when unreadable. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return Long.parseLong(ids[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
