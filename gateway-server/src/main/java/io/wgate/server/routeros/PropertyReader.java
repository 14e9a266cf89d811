package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.Redaction;
import io.wgate.server.config.WgKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the typed properties of one WireGuard command; a value that is not valid becomes an error naming the line
 * and the property (never the value of a key).
 */
final class PropertyReader {

    private static final java.util.regex.Pattern SHOWN_NAME =
            java.util.regex.Pattern.compile("[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,11})*");

    private final String file;
    private final RouterOsCommand command;
    private final List<ConfigWarning> errors;
    private final List<ConfigWarning> warnings;
    private boolean failed;

    PropertyReader(String file, RouterOsCommand command, List<ConfigWarning> errors, List<ConfigWarning> warnings) {
        this.file = file;
        this.command = command;
        this.errors = errors;
        this.warnings = warnings;
    }

    /** True once any property was invalid. */
    boolean failed() {
        return failed;
    }

    RouterOsCommand command() {
        return command;
    }

    void error(String property, String detail) {
        failed = true;
        errors.add(new ConfigWarning(file, command.lineOf(property), property, detail));
    }

    void warn(String property, String detail) {
        warnings.add(new ConfigWarning(file, command.lineOf(property), property, detail));
    }

    /** A base64 key; an empty value counts as absent. */
    Optional<WgKey> key(String property) {
        Optional<String> text = command.get(property).filter(v -> !v.isEmpty());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<WgKey> key = WgKey.parseBase64(text.get());
        if (key.isEmpty()) {
            error(property, "not a base64-encoded 32-byte key (44 characters ending in '=')");
        }
        return key;
    }

    /** A whole number in a range. */
    OptionalInt number(String property, int min, int max) {
        Optional<String> text = command.get(property).filter(v -> !v.isEmpty());
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        String v = text.get();
        if (v.length() > 9 || v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            error(property, Redaction.value(v) + " is not a number in " + min + ".." + max);
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(v));
    }

    /** A RouterOS time value in whole seconds, at most {@code max}. */
    OptionalInt seconds(String property, int max) {
        Optional<String> text = command.get(property).filter(v -> !v.isEmpty() && !v.equals("none"));
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        OptionalLong seconds = RouterOsDuration.seconds(text.get());
        if (seconds.isEmpty() || seconds.getAsLong() > max) {
            error(property, Redaction.value(text.get()) + " is not a time of at most " + max + " seconds (RouterOS "
                    + "writes e.g. 25s, 1m, 1m30s)");
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) seconds.getAsLong());
    }

    /** A comma-separated list of prefixes, masked, without repeats. */
    List<Prefix> prefixes(String property) {
        List<Prefix> out = new ArrayList<>();
        for (String item : command.get(property).orElse("").split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                Prefix p = Prefix.parse(item);
                if (!out.contains(p)) {
                    out.add(p);
                }
            } catch (IllegalArgumentException e) {
                error(property, rejected(item, e, "is not an IPv4 or IPv6 prefix"));
            }
        }
        return out;
    }

    /**
     * Whether a property or menu name the importer does not know may be shown: RouterOS names are lower case words
     * of a few letters joined by {@code -}; none of them is long enough to hold a piece of a key that could identify
     * it (see {@link Redaction}).
     */
    static boolean isPropertyName(String name) {
        return name.length() <= 40 && SHOWN_NAME.matcher(name).matches();
    }

    /** Whether a menu path ({@code ip dhcp-server}) may be shown: words as {@link #isPropertyName}. */
    static boolean isMenuPath(String path) {
        return path.isEmpty() || path.length() <= 60 && java.util.Arrays.stream(path.split(" "))
                .allMatch(PropertyReader::isPropertyName);
    }

    /** {@code /path} when it may be shown, else its length. */
    static String menu(String path) {
        return isMenuPath(path) ? "/" + path : "a menu path " + Redaction.name(path);
    }

    /**
     * The message of a parser that rejected {@code value}, when the value may be shown; else the value's length and
     * {@code what} (parsers quote what they reject, and a key pasted into the wrong property must not come back).
     */
    static String rejected(String value, IllegalArgumentException e, String what) {
        return Redaction.isPlainValue(value) && e.getMessage() != null ? e.getMessage()
                : Redaction.value(value) + " " + what;
    }

    /** Warns about each property not in {@code known}, naming it and its line. */
    void warnUnknown(Set<String> known) {
        for (String p : command.properties().keySet()) {
            if (!known.contains(p)) {
                boolean shown = isPropertyName(p);
                warn(shown ? p : null, "unknown property " + (shown ? "'" + p + "'" : Redaction.name(p)) + " on "
                        + menu(command.path()) + "; not imported");
            }
        }
    }
}
