package io.wgate.server.net;

import io.wgate.server.config.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wg-quick's automatic MTU ({@code set_mtu_up} in wireguard-tools' {@code src/wg-quick/linux.bash}):
 * for each peer endpoint, the MTU of the route to it ({@code ip route get}: the route's {@code mtu}
 * attribute, else its device's MTU), keeping the <em>largest</em>; with no answer from any endpoint, the
 * default route's; 1500 when there is nothing at all; minus 80 bytes of overhead.
 *
 * <p>Two small extensions, both only where wg-quick would fall through to a worse answer: a locked route
 * MTU ({@code mtu lock N}) counts as N (wg-quick's pattern misses it and takes the device MTU), and with no
 * IPv4 default route the IPv6 one is asked too. One might expect the minimum; wg-quick's
 * code keeps the maximum ({@code -gt $mtu}) and an operator moving from wg-quick gets the same MTU here.
 */
public final class AutoMtu {

    /** IPv6 header 40 + UDP 8 + WireGuard data header 16 + Poly1305 tag 16: 1500 - 80 = 1420. */
    public static final int OVERHEAD = 80;
    /** Used when no route tells us anything. */
    public static final int FALLBACK_LINK_MTU = 1500;

    private static final Pattern ROUTE_MTU = Pattern.compile("\\bmtu (?:lock )?(\\d+)");
    private static final Pattern DEVICE = Pattern.compile("\\bdev (\\S+)");
    private static final Pattern LINK_MTU = Pattern.compile("\\bmtu (\\d+)");

    private AutoMtu() {
    }

    /**
     * The tunnel MTU for these endpoints.
     *
     * @param runner    runs {@code ip route get}, {@code ip route show default}, {@code ip link show}
     * @param endpoints resolved endpoint addresses; unreachable ones are skipped
     */
    public static int tunnelMtu(CommandRunner runner, List<InetAddress> endpoints) throws IOException {
        return pathMtu(runner, endpoints) - OVERHEAD;
    }

    /** The underlying path MTU before subtracting {@link #OVERHEAD}. */
    static int pathMtu(CommandRunner runner, List<InetAddress> endpoints) throws IOException {
        int best = 0;
        for (InetAddress endpoint : endpoints) {
            CommandResult route = runner.run(List.of("ip", "route", "get", IpLiteral.format(endpoint)));
            if (route.exitCode() != 0) {
                continue; // unreachable right now: wg-quick ignores it too
            }
            OptionalInt mtu = mtuOf(runner, firstLine(route.stdout()));
            if (mtu.isPresent() && mtu.getAsInt() > best) {
                best = mtu.getAsInt();
            }
        }
        for (String family : List.of("-4", "-6")) {
            if (best != 0) {
                break;
            }
            CommandResult route = runner.run(List.of("ip", family, "route", "show", "default"));
            if (route.exitCode() == 0) {
                best = mtuOf(runner, firstLine(route.stdout())).orElse(0);
            }
        }
        return best > 0 ? best : FALLBACK_LINK_MTU;
    }

    /** The {@code mtu} of a route line, else the MTU of its {@code dev}; empty when neither is known. */
    static OptionalInt mtuOf(CommandRunner runner, String routeLine) throws IOException {
        Matcher m = ROUTE_MTU.matcher(routeLine);
        if (m.find()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        Matcher dev = DEVICE.matcher(routeLine);
        if (!dev.find()) {
            return OptionalInt.empty();
        }
        CommandResult link = runner.run(List.of("ip", "link", "show", "dev", dev.group(1)));
        Matcher linkMtu = LINK_MTU.matcher(link.stdout());
        return link.exitCode() == 0 && linkMtu.find() ? OptionalInt.of(Integer.parseInt(linkMtu.group(1)))
                : OptionalInt.empty();
    }

    /**
     * The first route: {@code ip route get} prints one route over one or more lines (the second,
     * indented, line holds {@code cache mtu N}), {@code ip route show default} one line per route.
     */
    private static String firstLine(String output) {
        List<String> lines = output.lines().toList();
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder route = new StringBuilder(lines.getFirst());
        for (int i = 1; i < lines.size() && !lines.get(i).isEmpty() && Character.isWhitespace(lines.get(i).charAt(0)); i++) {
            route.append(' ').append(lines.get(i).strip());
        }
        return route.toString();
    }
}
