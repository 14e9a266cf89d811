package io.wgate.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the data files under {@code src/test/resources/vectors/} (see SOURCES.md there). */
final class Vectors {
    private Vectors() {
    }

    /** The text of {@code vectors/<name>}. */
    static String text(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource vectors/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed Wycheproof JSON file {@code vectors/wycheproof/<name>}. */
    static Map<String, Object> wycheproof(String name) {
        return Json.object(Json.parse(text("wycheproof/" + name)));
    }

    /**
     * Blocks of {@code Name = value} lines separated by blank lines; lines starting with '#' are
     * comments. Each block keeps its line order.
     */
    static List<Map<String, String>> blocks(String name) {
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String raw : text(name).split("\n", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isEmpty()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new LinkedHashMap<>();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(name + ":" + lineNumber + ": expected 'Name = value'");
            }
            String key = line.substring(0, eq).strip();
            if (current.put(key, line.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(name + ":" + lineNumber + ": duplicate " + key);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    /** The non-comment, non-blank lines of {@code vectors/<name>}. */
    static List<String> dataLines(String name) {
        List<String> lines = new ArrayList<>();
        for (String raw : text(name).split("\n")) {
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Bytes 00 01 .. (n-1). */
    static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    static byte[] hex(String hex) {
        return Bytes.fromHex(hex);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
