package io.wgate.server.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A configuration file that cannot be used, with the place of the first problem found.
 *
 * <p>The message reads {@code FILE:LINE: KEY: WHAT}, for example
 * {@code wg0.conf:7: PrivateKey: not a base64-encoded 32-byte key (...)}, so that users can paste it
 * into an issue and find the line. Problems with the file as a whole (no {@code [Interface]} section,
 * a file name that is not an interface name) have {@link #line()} 0 and read {@code FILE: WHAT}.
 * Messages never contain key material: anything that looks like a key is replaced before it is
 * shown.
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
            sb.append(redactKeyLike(key)).append(": ");
        }
        return sb.append(redactKeyLike(detail)).toString();
    }

    /**
     * Replaces anything that looks like key material (a run of 40 or more base64 characters mixing
     * digits, upper and lower case) so that a key pasted on the wrong line is not echoed back.
     */
    static String redactKeyLike(String text) {
        return KEY_LIKE.matcher(text).replaceAll(m -> looksRandom(m.group()) ? "(key material hidden)" : m.group());
    }

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}");

    private static boolean looksRandom(String run) {
        return run.chars().anyMatch(Character::isDigit) && run.chars().anyMatch(Character::isUpperCase)
                && run.chars().anyMatch(Character::isLowerCase);
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
