package io.wgate.metrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading values out of Prometheus text for assertions. */
final class Expositions {

    private Expositions() {
    }

    /** A scrape of {@code metrics} after a refresh, as text. */
    static String scrape(GatewayMetrics metrics) {
        metrics.refresh().join();
        return new String(metrics.write(null).body(), StandardCharsets.UTF_8);
    }

    /** The lines of the families whose names start with {@code prefix} (comments included), in order. */
    static List<String> family(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix) || l.startsWith("# HELP " + prefix)
                || l.startsWith("# TYPE " + prefix)).toList();
    }

    /** The value of the one sample named {@code name} whose labels contain every {@code label="value"} given. */
    static double value(String text, String name, String... labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{.*})? (\\S+)$");
        Double found = null;
        for (String line : text.lines().toList()) {
            Matcher m = sample.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String set = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= set.contains(label);
            }
            if (all) {
                if (found != null) {
                    throw new AssertionError("more than one " + name + " sample with " + List.of(labels));
                }
                found = Double.parseDouble(m.group(2));
            }
        }
        if (found == null) {
            throw new AssertionError("no " + name + " sample with " + List.of(labels) + " in\n" + text);
        }
        return found;
    }
}
