package io.wgate.server.check;

import io.wgate.server.config.Redaction;
import java.util.Objects;

/**
 * One problem {@code wgate check} found: where it is, what is wrong and how to fix it. Never key material: the
 * texts are passed through {@link Redaction#text} and the checks themselves only ever say that keys differ.
 *
 * @param file    the file as given on the command line
 * @param line    1-based line, 0 for the file as a whole
 * @param key     the key or RouterOS property concerned, or {@code null}
 * @param problem what is wrong
 * @param fix     what to change, or empty when the problem says it
 */
public record Finding(String file, int line, String key, String problem, String fix) {

    public Finding {
        Objects.requireNonNull(file, "file");
        problem = Redaction.text(Objects.requireNonNull(problem, "problem"));
        fix = Redaction.text(Objects.requireNonNull(fix, "fix"));
    }

    /** {@code FILE:LINE: KEY: PROBLEM; fix: FIX}, the layout of the parser's messages. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line);
        }
        out.append(": ");
        if (key != null) {
            out.append(key).append(": ");
        }
        out.append(problem);
        if (!fix.isEmpty()) {
            out.append("; fix: ").append(fix);
        }
        return out.toString();
    }

    /** One JSON object: {@code file}, {@code line}, {@code key} (or null), {@code problem}, {@code fix}. */
    public String toJson() {
        return "{\"file\":" + string(file) + ",\"line\":" + line + ",\"key\":" + (key == null ? "null" : string(key))
                + ",\"problem\":" + string(problem) + ",\"fix\":" + string(fix) + "}";
    }

    /** {@code text} as a JSON string literal. */
    public static String string(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
