package io.wgate.server.demo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link Fetch} printed: {@code HTTP 200, 1432 bytes, sha256 <hex>, 12 ms}.
 *
 * @param status HTTP status code
 * @param bytes  body length as received
 * @param sha256 lowercase hex SHA-256 of the body
 * @param millis time from connecting to the last byte
 */
public record FetchResult(int status, long bytes, String sha256, long millis) {

    private static final Pattern LINE =
            Pattern.compile("HTTP (\\d{3}), (\\d+) bytes, sha256 ([0-9a-f]{64}), (\\d+) ms");

    /** The line {@link Fetch} prints. */
    public String format() {
        return "HTTP " + status + ", " + bytes + " bytes, sha256 " + sha256 + ", " + millis + " ms";
    }

    /** The result line found in {@code output}, if any. */
    public static Optional<FetchResult> parse(String output) {
        Matcher m = LINE.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new FetchResult(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                Long.parseLong(m.group(4))));
    }

    /** Receive rate in Mbit/s (0 when too fast to time). */
    public double megabitsPerSecond() {
        return millis == 0 ? 0 : bytes * 8.0 / 1000.0 / millis;
    }
}
