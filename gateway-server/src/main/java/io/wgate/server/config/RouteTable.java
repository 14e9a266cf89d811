package io.wgate.server.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * wg-quick's {@code Table} setting: where the routes for the peers' AllowedIPs go.
 *
 * <ul>
 *   <li>{@link Mode#AUTO} (the default): the main table, with fwmark policy routing for {@code /0};</li>
 *   <li>{@link Mode#OFF}: no routes at all (the appliance manages routing);</li>
 *   <li>{@link Mode#EXPLICIT}: the table named by {@link #id()}, a number or a name from
 *       {@code /etc/iproute2/rt_tables}, passed to {@code ip route add ... table ID} unchanged.</li>
 * </ul>
 *
 * @param mode which of the three
 * @param id   the table number or name for {@link Mode#EXPLICIT}; {@code null} otherwise
 */
public record RouteTable(Mode mode, String id) {

    /** The three kinds of {@code Table} values. */
    public enum Mode { AUTO, OFF, EXPLICIT }

    public static final RouteTable AUTO = new RouteTable(Mode.AUTO, null);
    public static final RouteTable OFF = new RouteTable(Mode.OFF, null);

    /** Largest kernel routing table id (u32, {@code RT_TABLE_MAX}). */
    public static final long MAX_TABLE_ID = 0xFFFF_FFFFL;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    public RouteTable {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.EXPLICIT) != (id != null)) {
            throw new IllegalArgumentException("id is required for EXPLICIT and only for it");
        }
    }

    /** An explicit table, by number or name. */
    public static RouteTable explicit(String id) {
        return new RouteTable(Mode.EXPLICIT, id);
    }

    /**
     * Parses a {@code Table} value.
     *
     * @param text      the value
     * @param knownName says whether a table name is defined on this host (see {@link RtTables})
     * @throws IllegalArgumentException with a message fit for a user
     */
    public static RouteTable parse(String text, Predicate<String> knownName) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return AUTO;
        }
        if (lower.equals("off")) {
            return OFF;
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long value = text.length() > 10 ? -1 : Long.parseLong(text);
            if (value < 1 || value > MAX_TABLE_ID) {
                throw new IllegalArgumentException("table number " + Redaction.unquoted(text) + " is out of range; use 1.."
                        + MAX_TABLE_ID + ", 'auto' or 'off'");
            }
            return explicit(Long.toString(value));
        }
        if (!NAME.matcher(text).matches()) {
            throw new IllegalArgumentException(Redaction.value(text) + " is not a table number or name; use 'auto', 'off', "
                    + "a number, or a name from /etc/iproute2/rt_tables");
        }
        if (!knownName.test(text)) {
            throw new IllegalArgumentException("routing table " + Redaction.value(text) + " is not defined in "
                    + "/etc/iproute2/rt_tables; add it there or use its number");
        }
        return explicit(text);
    }

    /** {@code auto}, {@code off} or the id, as written in a config file. */
    @Override
    public String toString() {
        return switch (mode) {
            case AUTO -> "auto";
            case OFF -> "off";
            case EXPLICIT -> id;
        };
    }
}
