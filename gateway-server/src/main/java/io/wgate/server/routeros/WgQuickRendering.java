package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgQuickConfig;
import java.util.stream.Collectors;

/**
 * A {@link WireguardInterface} as a wg-quick file (wg-quick(8), "CONFIGURATION"): {@code listen-port} to
 * {@code ListenPort}, {@code mtu} to {@code MTU}, the interface's addresses to {@code Address}, each peer to a
 * {@code [Peer]} with its name as {@code # Name = ...}, {@code persistent-keepalive} in seconds. Routes need no lines:
 * {@code Table = auto} routes the AllowedIPs. A private key the export hid becomes {@link #placeholder}, which
 * {@code wgate up} rejects until it is replaced.
 */
public final class WgQuickRendering {

    private WgQuickRendering() {
    }

    /** The {@code PrivateKey} value written when the export has none: says what to do, cannot pass for a key. */
    public static String placeholder(String interfaceName) {
        return "<the private key of " + interfaceName + ": '/interface wireguard print show-sensitive' on the "
                + "router, or '/export show-sensitive'>";
    }

    /** A valid wg-quick interface name for a RouterOS name: other characters become {@code -}, 15 at most. */
    public static String interfaceName(String routerOsName) {
        String name = routerOsName.replaceAll("[^a-zA-Z0-9_=+.-]", "-");
        if (name.length() > 15) {
            name = name.substring(0, 15);
        }
        return WgQuickConfig.isValidInterfaceName(name) ? name : "wg0";
    }

    /** The wg-quick text; {@code source} names the export in the header comment. */
    public static String render(WireguardInterface wg, String source) {
        StringBuilder out = new StringBuilder(512);
        out.append("# Imported by 'wgate import routeros' from ").append(oneLine(source)).append(", interface ")
                .append(oneLine(wg.name())).append('\n');
        wg.comment().ifPresent(c -> out.append("# ").append(oneLine(c)).append('\n'));
        out.append("[Interface]\n");
        line(out, "PrivateKey", wg.privateKey().map(k -> k.toBase64()).orElse(placeholder(wg.name())));
        line(out, "ListenPort", Integer.toString(wg.listenPort()));
        if (!wg.addresses().isEmpty()) {
            line(out, "Address", wg.addresses().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        line(out, "MTU", Integer.toString(wg.mtu()));
        for (WireguardPeer p : wg.peers()) {
            out.append("\n[Peer]\n");
            p.name().ifPresent(n -> out.append("# Name = ").append(oneLine(n)).append('\n'));
            line(out, "PublicKey", p.publicKey().toBase64());
            p.presharedKey().ifPresent(k -> line(out, "PresharedKey", k.toBase64()));
            if (!p.allowedIps().isEmpty()) {
                line(out, "AllowedIPs", p.allowedIps().stream().map(Prefix::toString)
                        .collect(Collectors.joining(", ")));
            }
            p.endpoint().ifPresent(e -> line(out, "Endpoint", e.toString()));
            if (p.keepaliveSeconds() != 0) {
                line(out, "PersistentKeepalive", Integer.toString(p.keepaliveSeconds()));
            }
        }
        return out.toString();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(" = ").append(value).append('\n');
    }
}
