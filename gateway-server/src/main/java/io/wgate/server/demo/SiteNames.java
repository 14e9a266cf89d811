package io.wgate.server.demo;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The names one run of the two-office network uses, all derived from a short random tag so that
 * concurrent runs (and tests) never share a namespace, an interface or a UAPI socket path: namespaces
 * {@code wgd<tag>-hosta}, {@code -main}, {@code -inet}, {@code -sat}, {@code -hostb}, and the tunnel
 * interfaces {@code wgd<tag>-wgm} (Main Office) and {@code wgd<tag>-wgs} (Satellite Office), at most
 * 12 characters (the kernel allows 15).
 *
 * @param tag the prefix, {@code wgd} and four hex digits
 */
public record SiteNames(String tag) {

    public SiteNames {
        if (!tag.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("tag must be 1 to 8 lowercase letters or digits: '" + tag + "'");
        }
    }

    /** Fresh names: {@code wgd} and four random hex digits. */
    public static SiteNames random() {
        return new SiteNames("wgd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()));
    }

    /** Namespace of Host A, on the Main Office LAN. */
    public String hostA() {
        return tag + "-hosta";
    }

    /** Namespace of the Main Office gateway. */
    public String main() {
        return tag + "-main";
    }

    /** Namespace of the Internet router between the offices. */
    public String internet() {
        return tag + "-inet";
    }

    /** Namespace of the Satellite Office gateway. */
    public String satellite() {
        return tag + "-sat";
    }

    /** Namespace of Host B, on the Satellite Office LAN. */
    public String hostB() {
        return tag + "-hostb";
    }

    /** Tunnel interface of the Main Office gateway (also its config file's base name). */
    public String mainInterface() {
        return tag + "-wgm";
    }

    /** Tunnel interface of the Satellite Office gateway. */
    public String satelliteInterface() {
        return tag + "-wgs";
    }

    /** All five namespaces, from Host A to Host B. */
    public List<String> namespaces() {
        return List.of(hostA(), main(), internet(), satellite(), hostB());
    }
}
