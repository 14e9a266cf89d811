package io.wgate.server.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every key a wg-quick file may hold, with its canonical spelling, its section and whether it may be
 * repeated. Keys read by {@code wg} itself have all whitespace inside the value removed, as
 * {@code wg}'s {@code config.c} does; wg-quick keys are trimmed only.
 */
enum ConfigKey {
    PRIVATE_KEY("PrivateKey", true, false, true),
    LISTEN_PORT("ListenPort", true, false, true),
    FW_MARK("FwMark", true, false, true),
    ADDRESS("Address", true, true, false),
    DNS("DNS", true, true, false),
    MTU("MTU", true, false, false),
    TABLE("Table", true, false, false),
    PRE_UP("PreUp", true, true, false),
    POST_UP("PostUp", true, true, false),
    PRE_DOWN("PreDown", true, true, false),
    POST_DOWN("PostDown", true, true, false),
    SAVE_CONFIG("SaveConfig", true, false, false),
    PUBLIC_KEY("PublicKey", false, false, true),
    PRESHARED_KEY("PresharedKey", false, false, true),
    ALLOWED_IPS("AllowedIPs", false, true, true),
    ENDPOINT("Endpoint", false, false, true),
    PERSISTENT_KEEPALIVE("PersistentKeepalive", false, false, true);

    final String canonical;
    final boolean inInterface;
    final boolean repeatable;
    final boolean wgKey;

    ConfigKey(String canonical, boolean inInterface, boolean repeatable, boolean wgKey) {
        this.canonical = canonical;
        this.inInterface = inInterface;
        this.repeatable = repeatable;
        this.wgKey = wgKey;
    }

    String section() {
        return inInterface ? "[Interface]" : "[Peer]";
    }

    /** The key with this name in any section, ignoring case. */
    static Optional<ConfigKey> lookup(String name) {
        for (ConfigKey k : values()) {
            if (k.canonical.equalsIgnoreCase(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** A key of the given section within two edits of {@code name}, for "did you mean" hints. */
    static Optional<ConfigKey> closest(String name, boolean inInterface) {
        String lower = name.toLowerCase(Locale.ROOT);
        ConfigKey best = null;
        int bestDistance = 3;
        for (ConfigKey k : values()) {
            if (k.inInterface != inInterface) {
                continue;
            }
            int d = distance(lower, k.canonical.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String namesIn(boolean inInterface) {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey k : values()) {
            if (k.inInterface == inInterface) {
                sb.append(sb.isEmpty() ? "" : ", ").append(k.canonical);
            }
        }
        return sb.toString();
    }
}
