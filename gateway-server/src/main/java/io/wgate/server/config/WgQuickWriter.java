package io.wgate.server.config;

import io.wgate.core.route.Prefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Writes a {@link WgQuickConfig} back as wg-quick text (see {@link WgQuickConfig#toWgQuickString()}). */
final class WgQuickWriter {

    private WgQuickWriter() {
    }

    static String write(WgQuickConfig config) {
        StringBuilder out = new StringBuilder(512);
        InterfaceConfig i = config.iface();
        out.append("[Interface]\n");
        if (!i.privateKey().isZero()) { // all zero: none (as the UAPI's private_key), so none is written
            line(out, "PrivateKey", i.privateKey().toBase64());
        }
        if (i.listenPort() != 0) {
            line(out, "ListenPort", Integer.toString(i.listenPort()));
        }
        if (i.fwMark() != 0) {
            line(out, "FwMark", "0x" + Long.toHexString(i.fwMark()));
        }
        if (!i.addresses().isEmpty()) {
            line(out, "Address", join(i.addresses()));
        }
        if (i.mtu().isPresent()) {
            line(out, "MTU", Integer.toString(i.mtu().getAsInt()));
        }
        if (!i.dnsServers().isEmpty() || !i.dnsSearchDomains().isEmpty()) {
            List<String> dns = new ArrayList<>();
            for (InetAddress server : i.dnsServers()) {
                dns.add(IpLiteral.format(server));
            }
            dns.addAll(i.dnsSearchDomains());
            line(out, "DNS", String.join(", ", dns));
        }
        if (i.table().mode() != RouteTable.Mode.AUTO) {
            line(out, "Table", i.table().toString());
        }
        i.hooks().preUp().forEach(h -> line(out, "PreUp", h));
        i.hooks().postUp().forEach(h -> line(out, "PostUp", h));
        i.hooks().preDown().forEach(h -> line(out, "PreDown", h));
        i.hooks().postDown().forEach(h -> line(out, "PostDown", h));
        if (i.saveConfig()) {
            line(out, "SaveConfig", "true");
        }
        for (PeerConfig p : config.peers()) {
            out.append("\n[Peer]\n");
            p.name().ifPresent(name -> out.append("# Name = ").append(name).append('\n'));
            line(out, "PublicKey", p.publicKey().toBase64());
            p.presharedKey().ifPresent(k -> line(out, "PresharedKey", k.toBase64()));
            if (!p.allowedIps().isEmpty()) {
                line(out, "AllowedIPs", p.allowedIps().stream().map(Prefix::toString).collect(Collectors.joining(", ")));
            }
            p.endpoint().ifPresent(e -> line(out, "Endpoint", e.toString()));
            if (p.persistentKeepaliveSeconds() != 0) {
                line(out, "PersistentKeepalive", Integer.toString(p.persistentKeepaliveSeconds()));
            }
        }
        return out.toString();
    }

    private static String join(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(" = ").append(value).append('\n');
    }
}
