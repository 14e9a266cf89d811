package io.wgate.server.routeros;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RouterOS time values as exports write them (MikroTik help, "Scripting", data type "time"): units {@code w d h m s}
 * ({@code 25s}, {@code 1m}, {@code 1m30s}, {@code 1d2h}), {@code ms} parts, {@code HH:MM:SS}, and a bare number of
 * seconds.
 */
final class RouterOsDuration {

    private static final Pattern UNITS = Pattern.compile("(?:(\\d{1,9})w)?(?:(\\d{1,9})d)?(?:(\\d{1,9})h)?"
            + "(?:(\\d{1,9})m(?!s))?(?:(\\d{1,9})s)?(?:(\\d{1,9})ms)?");
    private static final Pattern CLOCK =
            Pattern.compile("(?:(\\d{1,9})d)?(\\d{1,9}):(\\d{1,2}):(\\d{1,2})(?:\\.\\d{1,9})?");
    private static final long[] UNIT_SECONDS = {7 * 86_400L, 86_400L, 3_600L, 60L, 1L};

    private RouterOsDuration() {
    }

    /** Whole seconds (a fraction rounded down), or empty when {@code text} is not a time value. */
    static OptionalLong seconds(String text) {
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return text.length() > 9 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        }
        Matcher clock = CLOCK.matcher(text);
        if (clock.matches()) {
            long days = clock.group(1) == null ? 0 : Long.parseLong(clock.group(1));
            return OptionalLong.of(days * 86_400L + Long.parseLong(clock.group(2)) * 3_600L
                    + Long.parseLong(clock.group(3)) * 60L + Long.parseLong(clock.group(4)));
        }
        Matcher units = UNITS.matcher(text);
        if (!units.matches()) {
            return OptionalLong.empty();
        }
        long total = 0;
        for (int g = 1; g <= 5; g++) {
            if (units.group(g) != null) {
                total += Long.parseLong(units.group(g)) * UNIT_SECONDS[g - 1];
            }
        }
        if (units.group(6) != null) {
            total += Long.parseLong(units.group(6)) / 1000;
        }
        return OptionalLong.of(total);
    }

    /** Seconds as RouterOS writes them: {@code 25s}, {@code 1m}, {@code 1m30s}. */
    static String format(long seconds) {
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        String[] names = {"w", "d", "h", "m", "s"};
        long left = seconds;
        for (int i = 0; i < UNIT_SECONDS.length; i++) {
            if (left >= UNIT_SECONDS[i]) {
                out.append(left / UNIT_SECONDS[i]).append(names[i]);
                left %= UNIT_SECONDS[i];
            }
        }
        return out.toString();
    }
}
