package io.wgate.server.config;

import java.util.Objects;

/**
 * A configuration file that cannot be used, with the place of the first problem found.
 *
 * <p>The message reads {@code FILE:LINE: KEY: WHAT}, for example
 * {@code wg0.conf:7: PrivateKey: not a base64-encoded 32-byte key (...)}, so that users can paste it
 * into an issue and find the line. Problems with the file as a whole (no {@code [Interface]} section,
 * a file name that is not an interface name) have {@link #line()} 0 and read {@code FILE: WHAT}.
 * Messages never contain key material: a value that failed to parse is quoted only when it cannot hold a
 * piece of a key, an unknown key name only when it looks like a name ({@link Redaction#value},
 * {@link Redaction#name}), and, as a second line of defence, anything shaped like a key is replaced in the
 * finished message ({@link Redaction#text}).
 */
public final class ConfigException extends Exception {

    private final String file;
    private final int line;
    private final String key;
    private final String detail;

    /**
     * @param file   the file name as shown to the user (usually the base name, {@code wg0.conf})
     * @param line   1-based line number, or 0 when the problem concerns the whole file
     * @param key    the key (canonical spelling) or section the problem is about, or {@code null}
     * @param detail what is wrong and, where useful, how to fix it
     */
    public ConfigException(String file, int line, String key, String detail) {
        super(format(file, line, key, detail));
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.key = key;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    static String format(String file, int line, String key, String detail) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null) {
            sb.append(Redaction.text(key)).append(": ");
        }
        return sb.append(Redaction.text(detail)).toString();
    }

    /** The file name as given to the parser. */
    public String file() {
        return file;
    }

    /** 1-based line number of the problem, 0 for whole-file problems. */
    public int line() {
        return line;
    }

    /** The key or section concerned (canonical spelling, e.g. {@code AllowedIPs}), or {@code null}. */
    public String key() {
        return key;
    }

    /** The message without the {@code FILE:LINE: KEY:} prefix. */
    public String detail() {
        return detail;
    }
}
