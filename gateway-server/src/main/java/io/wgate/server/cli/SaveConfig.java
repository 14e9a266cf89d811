package io.wgate.server.cli;

import io.wgate.server.config.AtomicReplace;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.InterfaceAddress;
import io.wgate.server.config.InterfaceConfig;
import io.wgate.server.config.IpLiteral;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.Gateway;
import io.wgate.server.net.HostLinks;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code SaveConfig = true}: when the gateway stops, its running configuration goes back into its file, as
 * wg-quick's {@code save_config} writes it (wireguard-tools {@code src/wg-quick/linux.bash}): the keys, the
 * listening port, the fwmark and the peers as the engine has them now (changes made with {@code wg set} included,
 * as {@code wg showconf} would print them); {@code Address} as the interface has them now; {@code MTU} (the one in
 * use, when the file had one), {@code DNS}, {@code Table}, the hooks and {@code SaveConfig} from the file.
 *
 * <p>Two things wg-quick does not do: a peer keeps its {@code # Name} comment, and a peer whose file endpoint is a
 * host name keeps the host name (wg-quick would write the address it resolved to, and the name would never be
 * resolved again). It runs before the PreDown hooks (wg-quick saves after them), once the gateway stops for
 * whatever reason. The file is replaced atomically with its mode kept ({@link AtomicReplace}); its keys never go
 * to the log.
 */
final class SaveConfig {

    private static final System.Logger LOG = System.getLogger(SaveConfig.class.getName());

    private SaveConfig() {
    }

    /**
     * Writes {@code gateway}'s running configuration into {@code file}; call before the gateway is closed (its
     * engine and link must still be there). Failures are logged (never with the file's content) and the file stays
     * as it was.
     */
    static void save(Path file, WgQuickConfig original, Gateway gateway, HostLinks links) {
        String name = original.interfaceName();
        WgQuickConfig saved = null;
        try {
            DeviceStatus running = gateway.runningState();
            // A link already gone (deleted under the gateway) keeps the file's addresses.
            List<InterfaceAddress> addresses = links.exists(name) ? links.addresses(name)
                    : original.iface().addresses();
            saved = merge(original, running, addresses, gateway.mtu());
            AtomicReplace.replace(file, saved.toWgQuickString());
            LOG.log(Level.INFO, "{0}: SaveConfig: wrote the running configuration ({1} peer(s)) to {2}", name,
                    saved.peers().size(), file);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "{0}: SaveConfig: could not write {1}, left as it was: {2}", name, file,
                    e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            if (saved != null) {
                saved.wipeKeys(); // the running state's key objects: the text written cannot be wiped
            }
        }
    }

    /**
     * The configuration to write: {@code running}'s keys, port, fwmark and peers; {@code addresses} (the link's
     * own, in its order); the rest of the {@code [Interface]} section from {@code original}, with {@code mtu} for
     * its MTU when it has one. A peer keeps its name, and its host-name endpoint, from {@code original}.
     */
    static WgQuickConfig merge(WgQuickConfig original, DeviceStatus running, List<InterfaceAddress> addresses,
                               int mtu) {
        InterfaceConfig was = original.iface();
        InterfaceConfig iface = new InterfaceConfig(running.privateKey().orElseGet(() -> WgKey.of(new byte[WgKey.LENGTH])),
                running.listenPort(), addresses, was.mtu().isPresent() ? OptionalInt.of(mtu) : OptionalInt.empty(),
                was.dnsServers(), was.dnsSearchDomains(), was.table(), Integer.toUnsignedLong(running.fwmark()),
                was.hooks(), was.saveConfig());
        Map<WgKey, PeerConfig> configured = new HashMap<>();
        for (PeerConfig peer : original.peers()) {
            configured.put(peer.publicKey(), peer);
        }
        List<PeerConfig> peers = new ArrayList<>();
        for (PeerStatus peer : running.peers()) {
            PeerConfig before = configured.get(peer.publicKey());
            Optional<Endpoint> endpoint = peer.endpoint().map(SaveConfig::endpoint);
            if (before != null && before.endpoint().isPresent() && !before.endpoint().get().isLiteral()) {
                endpoint = before.endpoint();
            }
            peers.add(new PeerConfig(peer.publicKey(), peer.presharedKey(), peer.allowedIps(), endpoint,
                    peer.persistentKeepaliveSeconds(), before == null ? Optional.empty() : before.name()));
        }
        return new WgQuickConfig(original.interfaceName(), iface, peers, List.of());
    }

    private static Endpoint endpoint(InetSocketAddress address) {
        return new Endpoint(IpLiteral.format(address.getAddress()), address.getPort());
    }
}
