package io.wgate.server.check;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.ConfigException;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.routeros.RouterOsConfig;
import io.wgate.server.routeros.RouterOsImporter;
import io.wgate.server.routeros.WireguardInterface;
import io.wgate.server.routeros.WireguardPeer;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a file for {@code wgate check}: a wg-quick file exactly as {@code wgate up} does ({@link WgQuickConfig#parse})
 * or a RouterOS export ({@link RouterOsImporter}), told apart by its lines: an export's commands start with
 * {@code /}. Whatever the reader rejects or warns about becomes a {@link Finding}.
 */
final class EndLoader {

    /**
     * What one file gave.
     *
     * @param ends     its tunnel ends (none when it does not parse)
     * @param findings what its reader found
     */
    record Loaded(List<TunnelEnd> ends, List<Finding> findings) {
    }

    private EndLoader() {
    }

    /**
     * @throws IOException when the file cannot be read, or is not UTF-8 text
     */
    static Loaded load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text", e);
        }
        boolean routerOs = text.lines().map(String::strip).anyMatch(l -> l.startsWith("/"));
        return routerOs ? routerOs(file.toString(), text) : wgQuick(file, text);
    }

    private static Loaded wgQuick(Path file, String text) throws IOException {
        List<Finding> findings = new ArrayList<>();
        WgQuickConfig config;
        try {
            config = WgQuickConfig.parse(file);
        } catch (ConfigException e) {
            findings.add(new Finding(e.file(), e.line(), e.key(), e.detail(), ""));
            return new Loaded(List.of(), findings);
        }
        config.warnings().forEach(w -> findings.add(of(w)));
        List<Map<String, Integer>> sections = lineIndex(text.lines().toList());
        List<TunnelEnd.Peer> peers = new ArrayList<>();
        for (int i = 0; i < config.peers().size(); i++) {
            PeerConfig p = config.peers().get(i);
            Map<String, Integer> lines = i + 1 < sections.size() ? sections.get(i + 1) : Map.of();
            peers.add(new TunnelEnd.Peer(p.publicKey(), p.presharedKey(), p.allowedIps(), p.endpoint(),
                    p.persistentKeepaliveSeconds(), p.name(), lines.getOrDefault("[Peer]", 0), lines));
        }
        Map<String, Integer> iface = sections.getFirst();
        TunnelEnd end = new TunnelEnd(file.toString(), config.interfaceName(), false,
                Optional.of(config.iface().privateKey().publicKey()), config.iface().listenPort(),
                config.iface().addresses(), config.iface().mtu(), List.of(), peers,
                iface.getOrDefault("[Interface]", 0), iface);
        return new Loaded(List.of(end), findings);
    }

    /** Per section ({@code [Interface]} first, then each {@code [Peer]}): the first line of each key. */
    static List<Map<String, Integer>> lineIndex(List<String> lines) {
        List<Map<String, Integer>> sections = new ArrayList<>();
        sections.add(new HashMap<>());
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.equalsIgnoreCase("[Peer]")) {
                sections.add(new HashMap<>(Map.of("[Peer]", n)));
            } else if (line.equalsIgnoreCase("[Interface]")) {
                sections.getFirst().putIfAbsent("[Interface]", n);
            } else if (line.indexOf('=') > 0 && !line.startsWith("#")) {
                String key = canonical(line.substring(0, line.indexOf('=')).strip());
                sections.getLast().putIfAbsent(key, n);
            }
        }
        return sections;
    }

    private static String canonical(String key) {
        for (String k : List.of("PrivateKey", "ListenPort", "Address", "MTU", "PublicKey", "PresharedKey",
                "AllowedIPs", "Endpoint", "PersistentKeepalive")) {
            if (k.equalsIgnoreCase(key)) {
                return k;
            }
        }
        return key;
    }

    private static Loaded routerOs(String file, String text) {
        RouterOsConfig config = RouterOsImporter.read(file, text);
        List<Finding> findings = new ArrayList<>();
        config.errors().forEach(w -> findings.add(of(w)));
        config.warnings().forEach(w -> findings.add(of(w)));
        if (!config.errors().isEmpty()) {
            return new Loaded(List.of(), findings);
        }
        List<TunnelEnd> ends = new ArrayList<>();
        for (WireguardInterface wg : config.interfaces()) {
            List<TunnelEnd.Peer> peers = new ArrayList<>();
            for (WireguardPeer p : wg.peers()) {
                peers.add(new TunnelEnd.Peer(p.publicKey(), p.presharedKey(), p.allowedIps(), p.endpoint(),
                        p.keepaliveSeconds(), p.name(), p.line(), wgQuickKeys(p.lines())));
            }
            List<Prefix> lans = config.lans();
            ends.add(new TunnelEnd(file, wg.name(), true, wg.publicKey(), wg.listenPort(), wg.addresses(),
                    OptionalInt.of(wg.mtu()), lans, peers, wg.line(), wgQuickKeys(wg.lines())));
        }
        return new Loaded(ends, findings);
    }

    /** RouterOS property lines under their wg-quick key names. */
    private static Map<String, Integer> wgQuickKeys(Map<String, Integer> lines) {
        Map<String, Integer> out = new HashMap<>();
        Map<String, String> names = Map.ofEntries(Map.entry("private-key", "PrivateKey"),
                Map.entry("listen-port", "ListenPort"), Map.entry("address", "Address"), Map.entry("mtu", "MTU"),
                Map.entry("public-key", "PublicKey"), Map.entry("preshared-key", "PresharedKey"),
                Map.entry("allowed-address", "AllowedIPs"), Map.entry("endpoint-address", "Endpoint"),
                Map.entry("endpoint", "Endpoint"), Map.entry("endpoint-port", "EndpointPort"),
                Map.entry("persistent-keepalive", "PersistentKeepalive"));
        lines.forEach((k, v) -> {
            if (names.containsKey(k)) {
                out.putIfAbsent(names.get(k), v);
            }
        });
        return out;
    }

    private static Finding of(ConfigWarning w) {
        return new Finding(w.file(), w.line(), w.key(), w.detail(), "");
    }
}
