package io.wgate.server.routeros;

/**
 * RouterOS's escapes inside a quoted value (MikroTik help, "Scripting", "Constants"): {@code \"}, {@code \\},
 * {@code \n}, {@code \r}, {@code \t}, {@code \$}, {@code \?}, {@code \_} (a space), {@code \a}, {@code \b},
 * {@code \f}, {@code \v}, and {@code \HH} (a byte in hexadecimal, two digits). The exporter writes the same set.
 */
final class RouterOsEscapes {

    private RouterOsEscapes() {
    }

    /**
     * The character(s) the escape starting at {@code text[at]} (just after the backslash) stands for.
     *
     * @throws RouterOsScript.MalformedLine for a backslash followed by anything else
     */
    static String unescape(String text, int at, String property, int line) throws RouterOsScript.MalformedLine {
        char c = text.charAt(at);
        switch (c) {
            case '"', '\\', '$', '?' -> {
                return String.valueOf(c);
            }
            case 'n' -> {
                return "\n";
            }
            case 'r' -> {
                return "\r";
            }
            case 't' -> {
                return "\t";
            }
            case '_' -> {
                return " ";
            }
            case 'a' -> {
                return "\u0007";
            }
            case 'b' -> {
                return "\b";
            }
            case 'f' -> {
                return "\f";
            }
            case 'v' -> {
                return "\u000b";
            }
            default -> {
                if (at + 1 < text.length() && hex(c) >= 0 && hex(text.charAt(at + 1)) >= 0) {
                    return String.valueOf((char) (hex(c) * 16 + hex(text.charAt(at + 1))));
                }
                throw new RouterOsScript.MalformedLine(line, property, "unknown escape '\\" + printable(c)
                        + "' in a quoted value (RouterOS knows \\\" \\\\ \\n \\r \\t \\_ \\$ \\? and \\HH)");
            }
        }
    }

    /** How many characters after the backslash the escape takes. */
    static int length(String text, int at) {
        char c = text.charAt(at);
        return "\"\\$?nrt_abfv".indexOf(c) >= 0 ? 1 : 2;
    }

    /** {@code value} as a RouterOS value: as is when it needs no quotes, else quoted and escaped. */
    static String quote(String value) {
        boolean plain = !value.isEmpty()
                && value.chars().allMatch(c -> c > ' ' && c < 127 && "\"\\$?;[]{}=#".indexOf(c) < 0);
        if (plain) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"', '\\', '$', '?' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || c == 127) {
                        out.append('\\').append(String.format("%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
    }

    private static String printable(char c) {
        return c >= ' ' && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
