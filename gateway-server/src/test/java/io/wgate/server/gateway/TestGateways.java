package io.wgate.server.gateway;

import io.wgate.server.config.WgQuickConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Configurations for gateway tests: the example Main Office file for an interface name of the test's own. */
final class TestGateways {

    private TestGateways() {
    }

    /**
     * {@code main-office.conf} for interface {@code name}, with {@code ListenPort} 0 (any free port), the
     * endpoint removed (no traffic leaves the test) and {@code extra} lines added to [Interface].
     */
    static WgQuickConfig mainOffice(String name, List<String> extra, String... replacements) throws Exception {
        List<String> lines = example("main-office.conf");
        lines.remove("Endpoint = 203.0.113.2:51820");
        return edited(name, lines, extra, replacements);
    }

    /**
     * {@code satellite.conf} (the Main Office's peer, endpoint {@code 198.51.100.2:51820}) for interface
     * {@code name}, with {@code ListenPort} 0, {@code replacements} (pairs of whole lines) applied and
     * {@code extra} lines added to [Interface].
     */
    static WgQuickConfig satellite(String name, List<String> extra, String... replacements) throws Exception {
        return edited(name, example("satellite.conf"), extra, replacements);
    }

    /** The lines of a test-resource config, with {@code ListenPort} 0. */
    private static List<String> example(String file) throws Exception {
        List<String> lines;
        try (InputStream in = TestGateways.class.getResourceAsStream("/io/wgate/server/config/" + file)) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
        lines.set(lines.indexOf("ListenPort = 51820"), "ListenPort = 0");
        return lines;
    }

    /** Applies {@code replacements} (pairs of whole lines), adds {@code extra} to [Interface], parses. */
    private static WgQuickConfig edited(String name, List<String> lines, List<String> extra, String... replacements)
            throws Exception {
        for (int i = 0; i < replacements.length; i += 2) {
            int at = lines.indexOf(replacements[i]);
            if (at < 0) {
                throw new IllegalArgumentException("no line '" + replacements[i] + "'");
            }
            lines.set(at, replacements[i + 1]);
        }
        lines.addAll(lines.indexOf("[Peer]"), extra);
        return WgQuickConfig.parse(name + ".conf", name, lines, table -> true);
    }
}
