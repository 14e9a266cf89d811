package io.wgate.server.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Searches text for secret keys in every encoding they could be echoed in: standard base64, base64
 * without padding, URL-safe base64 (with and without padding), lowercase and uppercase hex, and any
 * {@value #WINDOW}-character window of each (a truncated or partial echo). For tests that feed a key to
 * the gateway in the wrong places and then check every byte it wrote.
 */
public final class KeyMaterialSearch {

    /** Shortest piece of an encoding that counts as a leak. */
    public static final int WINDOW = 12;

    /** Window text → what it is a piece of, for the report. */
    private final Map<String, String> windows = new LinkedHashMap<>();

    /** A search for nothing yet; add secrets with {@link #secret}. */
    public KeyMaterialSearch() {
    }

    /** A search for {@code key} under {@code label}. */
    public static KeyMaterialSearch of(String label, WgKey key) {
        return new KeyMaterialSearch().secret(label, key);
    }

    /** Adds a secret; {@code label} names it in reports (never the key itself). */
    public KeyMaterialSearch secret(String label, WgKey key) {
        return secret(label, key.bytes());
    }

    /** Adds a secret given as bytes. */
    public KeyMaterialSearch secret(String label, byte[] key) {
        encodings(key).forEach((encoding, text) -> {
            for (int i = 0; i + WINDOW <= text.length(); i++) {
                windows.putIfAbsent(text.substring(i, i + WINDOW), label + " (" + encoding + ", characters "
                        + (i + 1) + ".." + (i + WINDOW) + ")");
            }
        });
        return this;
    }

    /** The encodings searched for, by name. */
    public static Map<String, String> encodings(byte[] key) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("base64", Base64.getEncoder().encodeToString(key));
        all.put("base64 without padding", Base64.getEncoder().withoutPadding().encodeToString(key));
        all.put("URL-safe base64", Base64.getUrlEncoder().encodeToString(key));
        all.put("URL-safe base64 without padding", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        all.put("lowercase hex", HexFormat.of().formatHex(key));
        all.put("uppercase hex", HexFormat.of().formatHex(key).toUpperCase(Locale.ROOT));
        return all;
    }

    /**
     * Where {@code text} holds a piece of a secret: one line per place, {@code SOURCE offset N: LABEL
     * (ENCODING, characters A..B)}, with the piece itself left out; empty when there is none.
     */
    public List<String> find(String source, String text) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i + WINDOW <= text.length(); i++) {
            String what = windows.get(text.substring(i, i + WINDOW));
            if (what != null) {
                found.add(source + " offset " + i + ": " + what);
                i += WINDOW - 1; // one report per echo, not one per overlapping window
            }
        }
        return found;
    }

    /** Whether {@code text} holds no piece of any secret. */
    public boolean isClean(String text) {
        return find("", text).isEmpty();
    }
}
