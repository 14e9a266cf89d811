package io.wgate.server.cli;

/**
 * A log record's message with its parameters filled in, as {@link java.text.MessageFormat} does for the forms the
 * gateway's messages use: {@code {N}} is parameter N as {@link String#valueOf(Object)} writes it, {@code {N,number,#}}
 * a whole number without grouping ({@code 51820}), {@code ''} is one quote, and text between single quotes is
 * literal. No {@link java.text.NumberFormat} with its locale data is loaded: the gateway's first log line used to
 * pull in about 70 classes from the runtime image and the CLDR resource bundles (benchmarks/README.md,
 * "Footprint"). Any other form, and a parameter with a fraction or a date (which MessageFormat rounds or formats),
 * is not plain: null, and the caller falls back to MessageFormat. {@code {N}} writes numbers unformatted too, where MessageFormat groups them
 * ({@code 51,820}).
 */
final class LogMessage {

    private static final String NUMBER = ",number,#";

    private LogMessage() {
    }

    /** {@code pattern} with {@code params} filled in, or null where the pattern is not plain (see the class). */
    static String format(String pattern, Object[] params) {
        StringBuilder out = new StringBuilder(pattern.length() + 32);
        boolean quoted = false;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i++;
                }
            } else if (c == '{' && !quoted) {
                int end = pattern.indexOf('}', i);
                if (end < 0) {
                    return null;
                }
                boolean number = pattern.startsWith(NUMBER, end - NUMBER.length());
                int index = argumentIndex(pattern, i + 1, number ? end - NUMBER.length() : end);
                if (index < 0) {
                    return null;
                }
                if (params == null || index >= params.length) {
                    out.append(pattern, i, end + 1); // as MessageFormat leaves a missing argument
                } else if (whole(params[index]) || !number && !(params[index] instanceof Number)
                        && !(params[index] instanceof java.util.Date)) {
                    out.append(params[index]);
                } else {
                    return null; // a fraction or a date: MessageFormat's rounding and date format
                }
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean whole(Object param) {
        return param instanceof Integer || param instanceof Long || param instanceof Short || param instanceof Byte;
    }

    /** The argument number written in {@code pattern[from, to)}: 0 to 99, else -1. */
    private static int argumentIndex(String pattern, int from, int to) {
        if (to - from < 1 || to - from > 2) {
            return -1;
        }
        int index = 0;
        for (int k = from; k < to; k++) {
            char d = pattern.charAt(k);
            if (d < '0' || d > '9') {
                return -1;
            }
            index = index * 10 + (d - '0');
        }
        return index;
    }
}
