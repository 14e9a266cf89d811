package io.wgate.server.config;

import java.util.Objects;

/**
 * Something in a configuration that works but is probably not what the author meant (host bits in
 * an AllowedIPs prefix, the same prefix on two peers, a world-readable file, ...).
 *
 * @param file   the file name as given to the parser
 * @param line   1-based line number, 0 for the whole file
 * @param key    the key concerned, or {@code null}
 * @param detail what was noticed and what the parser did about it
 */
public record ConfigWarning(String file, int line, String key, String detail) {

    public ConfigWarning {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(detail, "detail");
    }

    /** {@code FILE:LINE: KEY: WHAT}, the same layout as {@link ConfigException}. */
    @Override
    public String toString() {
        return ConfigException.format(file, line, key, detail);
    }
}
