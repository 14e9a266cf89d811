package io.wgate.server.config;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a configuration, a UAPI request or a command may appear in a message or a log line. A private
 * or preshared key pasted in the wrong place (a stray blank line in a {@code set} request, a key on the
 * {@code ListenPort} line, a key inside a hook) must never come back in an error, a log file or
 * {@code show}, in base64 or hex. Three rules, one per kind of text:
 *
 * <ul>
 *   <li>{@link #name}: a key name (left of {@code =}) that the caller does not know is shown only when
 *       it looks like one and is short: 1 to {@value #MAX_NAME_LENGTH} characters from {@code A-Z a-z _}
 *       (a typo such as {@code Adress} or {@code frobnicate}), shorter than a window of
 *       {@value #MIN_HIDDEN_RUN} that could identify a piece of a key;</li>
 *   <li>{@link #value}: a value that failed to parse is shown only when it cannot hold a piece of a key:
 *       printable ASCII, at most {@value #MAX_VALUE_LENGTH} characters, and no run of
 *       {@value #MIN_HIDDEN_RUN} or more characters of the base64, URL-safe base64 or hex alphabets
 *       ({@code 10.0.0.256/24}, {@code 203.0.113.2:port} and {@code gw.example.net} are shown);</li>
 *   <li>{@link #text}: text that is logged for its own sake (a hook's command line and output, a host
 *       name, a whole message) keeps everything but runs shaped like a key: {@value #MIN_KEY_RUN} or more
 *       hex digits, or as many base64 characters with upper and lower case letters mixed as random keys
 *       have them.</li>
 * </ul>
 *
 * Whatever is not shown is replaced by its length ({@code (44 characters, not shown)}) or by
 * {@value #HIDDEN}, so that the message still says where the problem is.
 */
public final class Redaction {

    /** Longest unknown key name shown: one less than {@link #MIN_HIDDEN_RUN}. */
    public static final int MAX_NAME_LENGTH = 11;
    /** Longest value shown. */
    public static final int MAX_VALUE_LENGTH = 64;
    /** A value with a run this long of key-alphabet characters is not shown. */
    public static final int MIN_HIDDEN_RUN = 12;
    /** A run this long that looks like key material is hidden in free text. */
    public static final int MIN_KEY_RUN = 32;
    /** What replaces a key-shaped run in free text. */
    public static final String HIDDEN = "(key material hidden)";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_]{1," + MAX_NAME_LENGTH + "}");
    /** The union of the base64, URL-safe base64 and hex alphabets, padding included. */
    private static final Pattern KEY_ALPHABET_RUN = Pattern.compile("[A-Za-z0-9+/=_-]{" + MIN_HIDDEN_RUN + ",}");
    private static final Pattern HEX_RUN = Pattern.compile("[0-9A-Fa-f]{" + MIN_KEY_RUN + ",}");
    /** Standard and URL-safe base64 together: a key glued to a word by '-' or '_' is still one run. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{" + MIN_KEY_RUN + ",}={0,2}");
    /**
     * Random base64 is about 40% upper and 40% lower case letters; paths and most words are not. A whole
     * key (43 or 44 characters) has fewer than 4 of either with a probability of about 2 in a million.
     */
    private static final int MIN_EACH_CASE = 4;

    private Redaction() {
    }

    /** Whether {@code name} may be shown as a key name: 1..{@value #MAX_NAME_LENGTH} of {@code A-Z a-z _}. */
    public static boolean isPlainName(String name) {
        return NAME.matcher(name).matches();
    }

    /** {@code 'name'} when {@link #isPlainName}, else {@code (N characters, not shown)}. */
    public static String name(String name) {
        return isPlainName(name) ? "'" + name + "'" : notShown(name);
    }

    /** {@code 'name'} when it is one of the caller's {@code known} names or {@link #isPlainName}, else as {@link #name}. */
    public static String name(String name, Predicate<String> known) {
        return known.test(name) ? "'" + name + "'" : name(name);
    }

    /**
     * {@code 'value'} when it cannot hold key material (see the class comment), else
     * {@code (N characters, not shown)}.
     */
    public static String value(String value) {
        return isPlainValue(value) ? "'" + value + "'" : notShown(value);
    }

    /** {@link #value} without the quotes, for numbers ({@code 70000 is too large for a port number}). */
    public static String unquoted(String value) {
        return isPlainValue(value) ? value : notShown(value);
    }

    /** Whether {@link #value} shows {@code value}. */
    public static boolean isPlainValue(String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !KEY_ALPHABET_RUN.matcher(value).find();
    }

    /** {@code text} with every key-shaped run replaced by {@value #HIDDEN} (see the class comment). */
    public static String text(String text) {
        String out = HEX_RUN.matcher(text).replaceAll(HIDDEN);
        Matcher m = BASE64_RUN.matcher(out);
        return m.replaceAll(r -> looksRandom(r.group()) ? HIDDEN : Matcher.quoteReplacement(r.group()));
    }

    private static boolean looksRandom(String run) {
        int upper = 0;
        int lower = 0;
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper++;
            } else if (c >= 'a' && c <= 'z') {
                lower++;
            }
        }
        return upper >= MIN_EACH_CASE && lower >= MIN_EACH_CASE;
    }

    private static String notShown(String text) {
        if (text.isEmpty()) {
            return "(empty)";
        }
        return "(" + text.length() + " character" + (text.length() == 1 ? "" : "s") + ", not shown)";
    }
}
