package io.wgate.server.net;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.InterfaceAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One change {@code up} made to the host that {@code down} must reverse. Each step knows the
 * {@code ip} (or {@code nft}) command that applied it and the one that undoes it, and has a one-line
 * text form for the state file ({@link NetState}).
 */
public sealed interface NetStep {

    /** The command that made the change: {@link #command(String)} with {@code add}. */
    default List<String> applyCommand() {
        return command("add");
    }

    /** The command that reverses it: {@link #command(String)} with {@code del}. */
    default List<String> undoCommand() {
        return command("del");
    }

    /** This step's {@code ip} command with {@code verb} ({@code add} or {@code del}) after the object. */
    List<String> command(String verb);

    /** One line of the state file, without the leading {@code step }. */
    String serialize();

    /**
     * Reads {@link #serialize()}'s output.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static NetStep parse(String text) {
        String[] f = text.strip().split(" +");
        return switch (f[0]) {
            case "address" -> {
                expect(f, 3, text);
                yield new AddAddress(f[1], InterfaceAddress.parse(f[2]));
            }
            case "route" -> {
                expect(f, 4, text);
                yield new AddRoute(f[1], Prefix.parse(f[2]), f[3].equals("-") ? null : f[3]);
            }
            case "rule" -> {
                if (f.length < 3 || !(f[1].equals("4") || f[1].equals("6"))) {
                    throw new IllegalArgumentException("bad rule step: '" + text + "'");
                }
                yield new AddRule(f[1].equals("6"), List.of(f).subList(2, f.length));
            }
            case "nft" -> {
                expect(f, 3, text);
                if (!(f[1].equals("4") || f[1].equals("6"))) {
                    throw new IllegalArgumentException("bad nft step: '" + text + "'");
                }
                yield new NftTable(f[1].equals("6"), f[2]);
            }
            default -> throw new IllegalArgumentException("unknown step: '" + text + "'");
        };
    }

    private static void expect(String[] fields, int count, String text) {
        if (fields.length != count) {
            throw new IllegalArgumentException("expected " + count + " fields in '" + text + "'");
        }
    }

    private static String family(boolean ipv6) {
        return ipv6 ? "-6" : "-4";
    }

    /** Checks that a value is one token that is safe in a space-separated line and as an {@code ip} argument. */
    private static String token(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || !value.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || "_=+.:/-".indexOf(c) >= 0)) {
            throw new IllegalArgumentException(what + " '" + value + "' has characters not allowed here");
        }
        return value;
    }

    /** {@code ip -4|-6 address add ADDRESS/LEN dev DEV}. */
    record AddAddress(String device, InterfaceAddress address) implements NetStep {
        public AddAddress {
            token(device, "device");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public List<String> command(String verb) {
            return List.of("ip", family(address.isIpv6()), "address", verb, address.toString(), "dev", device);
        }

        @Override
        public String serialize() {
            return "address " + device + " " + address;
        }
    }

    /** {@code ip -4|-6 route add PREFIX dev DEV [table T]}; {@code table} null = the main table. */
    record AddRoute(String device, Prefix prefix, String table) implements NetStep {
        public AddRoute {
            token(device, "device");
            Objects.requireNonNull(prefix, "prefix");
            if (table != null) {
                token(table, "table");
            }
        }

        @Override
        public List<String> command(String verb) {
            List<String> c = new ArrayList<>(List.of("ip", family(!prefix.isIpv4()), "route", verb, prefix.toString(),
                    "dev", device));
            if (table != null) {
                c.add("table");
                c.add(table);
            }
            return List.copyOf(c);
        }

        @Override
        public String serialize() {
            return "route " + device + " " + prefix + " " + (table == null ? "-" : table);
        }
    }

    /** {@code ip -4|-6 rule add SELECTOR...}, for example {@code not fwmark 51820 table 51820}. */
    record AddRule(boolean ipv6, List<String> selector) implements NetStep {
        public AddRule {
            selector = List.copyOf(selector);
            if (selector.isEmpty()) {
                throw new IllegalArgumentException("empty rule");
            }
            selector.forEach(s -> token(s, "rule argument"));
        }

        @Override
        public List<String> command(String verb) {
            List<String> c = new ArrayList<>(List.of("ip", family(ipv6), "rule", verb));
            c.addAll(selector);
            return List.copyOf(c);
        }

        @Override
        public String serialize() {
            return "rule " + (ipv6 ? "6 " : "4 ") + String.join(" ", selector);
        }
    }

    /**
     * An nftables table of family {@code ip} or {@code ip6}, for example wg-quick's full-tunnel
     * {@code wg-quick-wg0} ({@link FullTunnelFirewall}). {@code add} creates it empty
     * ({@code nft add table ip NAME}); {@link LinkSetup} creates it with its chains and rules in one
     * {@code nft} transaction instead and then records this step. The undo,
     * {@code nft delete table ip NAME}, removes the table with everything in it.
     */
    record NftTable(boolean ipv6, String table) implements NetStep {
        public NftTable {
            token(table, "nft table");
        }

        /** {@code ip} or {@code ip6}. */
        public String nftFamily() {
            return ipv6 ? "ip6" : "ip";
        }

        @Override
        public List<String> command(String verb) {
            return List.of("nft", verb.equals("del") ? "delete" : verb, "table", nftFamily(), table);
        }

        @Override
        public String serialize() {
            return "nft " + (ipv6 ? "6 " : "4 ") + table;
        }
    }
}
