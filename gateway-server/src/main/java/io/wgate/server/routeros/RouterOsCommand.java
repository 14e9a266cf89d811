package io.wgate.server.routeros;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One command of a RouterOS export: the menu path it applies to, the verb and its {@code name=value} arguments.
 * {@code /interface wireguard peers} followed by {@code add interface=wg1 ...}, and the terse form
 * {@code /interface wireguard peers add interface=wg1 ...}, give the same command.
 *
 * @param line       the 1-based line the command starts on
 * @param path       the menu path, words separated by one space, without the leading {@code /}
 *                   ({@code interface wireguard peers})
 * @param verb       {@code add}, {@code set}, {@code remove}, ...
 * @param find       the {@code find} condition of {@code set [ find name=wg1 ]}, as its own arguments; empty if none
 * @param positional arguments without {@code =} ({@code set 0 ...}, {@code set wg1 ...})
 * @param properties the arguments in order, values unquoted and unescaped
 * @param lines      the line each property starts on (a command may run over several lines)
 */
public record RouterOsCommand(int line, String path, String verb, Map<String, String> find, List<String> positional,
                              Map<String, String> properties, Map<String, Integer> lines) {

    public RouterOsCommand {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(verb, "verb");
        find = unmodifiable(find);
        positional = List.copyOf(positional);
        properties = unmodifiable(properties);
        lines = unmodifiable(lines);
    }

    private static <V> Map<String, V> unmodifiable(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The value of a property, if given. */
    public Optional<String> get(String property) {
        return Optional.ofNullable(properties.get(property));
    }

    /** The line a property is on, or the command's line when it is not given. */
    public int lineOf(String property) {
        return lines.getOrDefault(property, line);
    }

    /** True for {@code disabled=yes} (RouterOS also writes {@code true}). */
    public boolean disabled() {
        String value = properties.get("disabled");
        return value != null && (value.equals("yes") || value.equals("true"));
    }
}
