package io.wgate.core.testkit;

import io.wgate.crypto.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads {@code key=value} vector files from {@code src/test/resources/vectors/} ('#' starts a comment). */
public final class Vectors {

    private final Map<String, String> values;

    private Vectors(Map<String, String> values) {
        this.values = values;
    }

    public static Vectors load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector file " + name);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
            return new Vectors(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("vector has no " + key);
        }
        return value;
    }

    public byte[] hex(String key) {
        return Bytes.fromHex(text(key));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }
}
