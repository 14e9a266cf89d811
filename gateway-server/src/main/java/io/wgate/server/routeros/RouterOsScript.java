package io.wgate.server.routeros;

import io.wgate.server.config.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the text of a RouterOS v7 export ({@code /export}, {@code /export terse}, {@code /export show-sensitive})
 * into {@link RouterOsCommand}s, as the console would: a line starting with {@code /} selects a menu path (and may go
 * on with a command, the terse form); other lines are commands in the menu selected last; {@code #} starts a comment
 * line; a {@code \} at the end of a line continues it on the next (whose indentation is dropped); values may be quoted,
 * with RouterOS's escapes ({@code \" \\ \n \r \t \_ \$ \?} and {@code \HH}). Syntax reference: MikroTik's
 * "Scripting" and "Command Line Interface" help pages (help.mikrotik.com/docs/spaces/ROS).
 *
 * <p>Nothing here throws on bad input: a line that cannot be read is left out and reported in {@link #malformed()}
 * with its line number.
 *
 * @param commands  the commands in file order
 * @param malformed the lines that could not be read
 */
public record RouterOsScript(List<RouterOsCommand> commands, List<Malformed> malformed) {

    /** The verbs that end a menu path; any other word after {@code /} is a path word. */
    static final Set<String> VERBS = Set.of("add", "set", "remove", "print", "export", "enable", "disable", "comment",
            "move", "unset", "reset", "edit", "find", "get", "monitor", "reset-counters");

    /**
     * A line that could not be read.
     *
     * @param line     1-based line number
     * @param path     the menu path in effect there (space separated, no leading {@code /}), may be empty
     * @param property the property concerned, or {@code null}
     * @param detail   what is wrong
     */
    public record Malformed(int line, String path, String property, String detail) {
    }

    public RouterOsScript {
        commands = List.copyOf(commands);
        malformed = List.copyOf(malformed);
    }

    /** Reads an export's text. Never throws for any input. */
    public static RouterOsScript parse(String text) {
        List<RouterOsCommand> commands = new ArrayList<>();
        List<Malformed> malformed = new ArrayList<>();
        String path = "";
        List<String> physical = text.lines().toList();
        int i = 0;
        while (i < physical.size()) {
            int first = i + 1;
            StringBuilder logical = new StringBuilder();
            List<Integer> lineAt = new ArrayList<>();
            boolean more = true;
            while (more && i < physical.size()) {
                String part = physical.get(i);
                if (logical.length() > 0) {
                    part = part.stripLeading();
                }
                more = part.endsWith("\\");
                if (more) {
                    part = part.substring(0, part.length() - 1);
                }
                for (int c = 0; c < part.length(); c++) {
                    lineAt.add(i + 1);
                }
                logical.append(part);
                i++;
            }
            if (more) {
                malformed.add(new Malformed(first, path, null, "the last line ends with '\\' (a continuation) but "
                        + "nothing follows; the file may be cut short"));
            }
            lineAt.add(i);
            Tokens line = new Tokens(logical.toString(), lineAt);
            try {
                path = line.read(path, first, commands);
            } catch (MalformedLine e) {
                malformed.add(new Malformed(e.line, line.path == null ? path : line.path, e.property, e.getMessage()));
                if (line.path != null) {
                    path = line.path;
                }
            }
        }
        return new RouterOsScript(commands, malformed);
    }

    /** Why a line cannot be read. */
    static final class MalformedLine extends Exception {
        final int line;
        final String property;

        MalformedLine(int line, String property, String detail) {
            super(detail, null, false, false);
            this.line = line;
            this.property = property != null && PropertyReader.isPropertyName(property) ? property : null;
        }
    }

    /** One logical line, read left to right. */
    private static final class Tokens {
        private final String text;
        private final List<Integer> lineAt;
        private int pos;
        /** The menu path this line selected, once read; {@code null} before (or for lines without one). */
        String path;

        Tokens(String text, List<Integer> lineAt) {
            this.text = text;
            this.lineAt = lineAt;
        }

        String read(String currentPath, int firstLine, List<RouterOsCommand> out) throws MalformedLine {
            skipSpace();
            if (atEnd() || peek() == '#') {
                return currentPath;
            }
            if (peek() == ':' || peek() == '{' || peek() == '}') {
                throw new MalformedLine(firstLine, null, "a script statement, not a configuration command; left out");
            }
            String commandPath = currentPath;
            String verb = null;
            if (peek() == '/') {
                List<String> words = new ArrayList<>();
                while (!atEnd() && verb == null) {
                    int start = pos;
                    String word = word();
                    if (word.indexOf('=') >= 0 || word.startsWith("[") || word.startsWith("\"")) {
                        pos = start;
                        break;
                    }
                    if (VERBS.contains(word)) {
                        verb = word;
                    } else {
                        for (String piece : word.split("/")) {
                            if (!piece.isEmpty()) {
                                words.add(piece);
                            }
                        }
                    }
                    skipSpace();
                }
                commandPath = String.join(" ", words);
                path = commandPath;
                if (verb == null && atEnd()) {
                    return commandPath;
                }
                if (verb == null) {
                    throw new MalformedLine(firstLine, null, "no command after " + PropertyReader.menu(commandPath));
                }
            } else {
                int start = pos;
                verb = word();
                if (!VERBS.contains(verb)) {
                    pos = start;
                    throw new MalformedLine(firstLine, null, Redaction.value(verb) + " is not a RouterOS command "
                            + "(expected add, set, remove, ... or a /menu path)");
                }
            }
            Map<String, String> find = new LinkedHashMap<>();
            List<String> positional = new ArrayList<>();
            Map<String, String> properties = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            skipSpace();
            while (!atEnd()) {
                if (peek() == '[') {
                    readFind(find);
                } else {
                    readArgument(positional, properties, lines);
                }
                skipSpace();
            }
            out.add(new RouterOsCommand(firstLine, commandPath, verb, find, positional, properties, lines));
            return commandPath;
        }

        private void readFind(Map<String, String> find) throws MalformedLine {
            int line = lineHere();
            pos++;
            skipSpace();
            while (!atEnd() && peek() != ']') {
                int start = pos;
                String key = bareUntil("=] \t");
                if (!atEnd() && peek() == '=') {
                    pos++;
                    find.put(key, value(key));
                } else if (!key.equals("find") && !key.equals("where") && !key.isEmpty()) {
                    find.put(key, "");
                }
                if (pos == start) {
                    pos++;
                }
                skipSpace();
            }
            if (atEnd()) {
                throw new MalformedLine(line, null, "'[' without a closing ']'");
            }
            pos++;
        }

        private void readArgument(List<String> positional, Map<String, String> properties, Map<String, Integer> lines)
                throws MalformedLine {
            int line = lineHere();
            String key = bareUntil("= \t");
            if (atEnd() || peek() != '=') {
                positional.add(key);
                return;
            }
            pos++;
            if (key.isEmpty()) {
                throw new MalformedLine(line, null, "a value without a property name ('=' at the start of a word)");
            }
            String value = value(key);
            if (properties.containsKey(key)) {
                throw new MalformedLine(line, key, "given twice in one command");
            }
            properties.put(key, value);
            lines.put(key, line);
        }

        private String value(String key) throws MalformedLine {
            if (atEnd() || peek() != '"') {
                return bareUntil(" \t]");
            }
            int line = lineHere();
            pos++;
            StringBuilder value = new StringBuilder();
            while (!atEnd() && peek() != '"') {
                char c = text.charAt(pos++);
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (atEnd()) {
                    break;
                }
                value.append(RouterOsEscapes.unescape(text, pos, key, lineHere()));
                pos += RouterOsEscapes.length(text, pos);
            }
            if (atEnd()) {
                throw new MalformedLine(line, key, "the quoted value has no closing '\"'");
            }
            pos++;
            return value.toString();
        }

        private String word() {
            return bareUntil(" \t");
        }

        private String bareUntil(String stops) {
            int start = pos;
            while (!atEnd() && stops.indexOf(peek()) < 0) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private void skipSpace() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
        }

        private int lineHere() {
            return lineAt.get(Math.min(pos, lineAt.size() - 1));
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private char peek() {
            return text.charAt(pos);
        }
    }
}
