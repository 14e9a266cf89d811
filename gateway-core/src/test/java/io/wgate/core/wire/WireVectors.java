package io.wgate.core.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** Loads {@code vectors/wire-messages.txt} (source cited in the file). */
final class WireVectors {

    private static final Map<String, byte[]> MESSAGES = load();

    private WireVectors() {
    }

    /** A fresh copy of the named message's bytes. */
    static byte[] message(String name) {
        byte[] bytes = MESSAGES.get(name);
        if (bytes == null) {
            throw new IllegalArgumentException("no vector named " + name);
        }
        return bytes.clone();
    }

    private static Map<String, byte[]> load() {
        try (InputStream in = WireVectors.class.getResourceAsStream("/vectors/wire-messages.txt")) {
            if (in == null) {
                throw new IllegalStateException("vectors/wire-messages.txt is not on the test class path");
            }
            Map<String, byte[]> messages = new HashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                messages.put(fields[0], HexFormat.of().parseHex(fields[1]));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
