package io.wgate.server.net;

import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.IpLiteral;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * The nftables part of wg-quick's full tunnel ({@code add_default} in wg-quick's {@code linux.bash}):
 * for each family that gets a {@code /0} route with {@code Table = auto}, a table
 * {@code wg-quick-IF} of family {@code ip} or {@code ip6}, loaded in one {@code nft} transaction:
 *
 * <pre>
 * add table ip wg-quick-wg0
 * delete table ip wg-quick-wg0
 * add table ip wg-quick-wg0
 * add chain ip wg-quick-wg0 preraw { type filter hook prerouting priority -300; }
 * add chain ip wg-quick-wg0 premangle { type filter hook prerouting priority -150; }
 * add chain ip wg-quick-wg0 postmangle { type filter hook postrouting priority -150; }
 * add rule ip wg-quick-wg0 preraw iifname != "wg0" ip daddr 10.64.0.2 fib saddr type != local drop
 * add rule ip wg-quick-wg0 postmangle meta l4proto udp mark 51820 ct mark set mark
 * add rule ip wg-quick-wg0 premangle meta l4proto udp meta mark set ct mark
 * </pre>
 *
 * The first two lines empty a table of that name left by a gateway that crashed before it could record
 * the table (wg-quick starts from whatever is there; re-adding rules to a leftover table would double
 * them, with a stale mark if {@code FwMark} changed); the transaction is all or nothing.
 *
 * <p>The {@code preraw} rule (one per Address of the family) drops packets addressed to the tunnel's own
 * addresses that arrive on another interface (from a non-local source), so hosts on the local network
 * cannot reach services bound to the tunnel address. The two mangle rules copy the fwmark of our
 * encrypted UDP packets into their conntrack entry and back onto the replies, so that with
 * {@code src_valid_mark=1} the reverse-path filter looks the replies up with the mark (through the
 * main table, not the tunnel) and does not drop them.
 *
 * <p>Differences from wg-quick: the addresses are the config's Address entries of the family (wg-quick
 * reads them back with {@code ip -o addr show dev IF}, which for a WireGuard link is the same list);
 * the script is passed to {@code nft} as one argument rather than through {@code nft -f}; and when
 * {@code nft} is missing there is no {@code iptables-restore} fallback: {@link LinkSetup} logs one
 * warning and leaves the firewall part out (wg-quick would load the same rules with
 * {@code iptables-restore}). {@code down} deletes the table ({@link NetStep.NftTable}); wg-quick's
 * {@code remove_firewall} deletes every table named {@code wg-quick-IF}, whoever made it.
 */
final class FullTunnelFirewall {

    private FullTunnelFirewall() {
    }

    /** wg-quick's table name: {@code wg-quick-IF}. */
    static String tableName(String dev) {
        return "wg-quick-" + dev;
    }

    /** The step that records (and undoes) the table of one family. */
    static NetStep.NftTable step(String dev, boolean ipv6) {
        return new NetStep.NftTable(ipv6, tableName(dev));
    }

    /**
     * The nft script for one family (see the class comment), one command a line.
     *
     * @param addresses the interface's addresses; those of the other family are ignored
     */
    static String script(String dev, boolean ipv6, long fwMark, List<InterfaceAddress> addresses) {
        String pf = ipv6 ? "ip6" : "ip";
        String table = pf + " " + tableName(dev);
        StringBuilder sb = new StringBuilder(512);
        sb.append("add table ").append(table).append('\n');
        sb.append("delete table ").append(table).append('\n');
        sb.append("add table ").append(table).append('\n');
        sb.append("add chain ").append(table).append(" preraw { type filter hook prerouting priority -300; }\n");
        sb.append("add chain ").append(table).append(" premangle { type filter hook prerouting priority -150; }\n");
        sb.append("add chain ").append(table).append(" postmangle { type filter hook postrouting priority -150; }\n");
        for (InterfaceAddress address : addresses) {
            if (address.isIpv6() == ipv6) {
                sb.append("add rule ").append(table).append(" preraw iifname != \"").append(dev).append("\" ")
                        .append(pf).append(" daddr ").append(IpLiteral.format(address.address()))
                        .append(" fib saddr type != local drop\n");
            }
        }
        sb.append("add rule ").append(table).append(" postmangle meta l4proto udp mark ").append(fwMark)
                .append(" ct mark set mark\n");
        sb.append("add rule ").append(table).append(" premangle meta l4proto udp meta mark set ct mark\n");
        return sb.toString();
    }

    /** The command that loads {@code script} in one transaction. */
    static List<String> loadCommand(String script) {
        return List.of("nft", script);
    }

    /**
     * Whether {@code nft} can be run ({@code nft --version} exits with status 0), wg-quick's
     * {@code type -p nft}.
     *
     * @return null when it can, else why not
     * @throws InterruptedIOException when interrupted (a stop during start-up)
     */
    static String nftMissing(CommandRunner runner) throws InterruptedIOException {
        try {
            CommandResult r = runner.run(List.of("nft", "--version"));
            if (r.exitCode() == 0) {
                return null;
            }
            String why = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip().lines().findFirst().orElse("");
            return "nft --version exited with status " + r.exitCode() + (why.isEmpty() ? "" : ": " + why);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
