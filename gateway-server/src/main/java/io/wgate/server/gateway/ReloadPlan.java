package io.wgate.server.gateway;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.Endpoint;
import io.wgate.server.config.PeerConfig;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.AllowedIpChange;
import io.wgate.server.uapi.DeviceUpdate;
import io.wgate.server.uapi.PeerUpdate;
import io.wgate.server.uapi.UapiRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The engine side of a reload: the {@code set} request that brings the running configuration to the one in the
 * file, touching nothing that already matches, and one line per change for the operator (no key material). Pure:
 * no I/O, any thread.
 *
 * <p>Compared with what runs ({@link RunningConfig}), as {@code wg syncconf} compares: a peer the file no longer
 * lists goes (one added with {@code wg set} too); a peer it lists and the engine lacks is created; for a peer both
 * have, only what differs is sent (preshared key, keepalive, the allowed IPs as a whole), so its sessions, counters
 * and handshake state stay. The endpoint is the exception: it is sent only when the file's {@code Endpoint} line
 * itself changed (or the peer is new), because the running endpoint may have moved with the peer (roaming, whitepaper
 * §2.1) and a reload must not send it back to a stale address.
 *
 * <p>Device settings: the private key when its public key differs from ours; {@code ListenPort} when the file
 * names a port other than the one bound (a file without one keeps the current port); {@code FwMark} when the
 * file's value differs from the previous file's.
 *
 * @param request the request to apply (holds copies of the keys: applying wipes them)
 * @param changes one line per change, in request order
 */
record ReloadPlan(UapiRequest.Set request, List<String> changes) {

    ReloadPlan {
        Objects.requireNonNull(request, "request");
        changes = List.copyOf(changes);
    }

    /**
     * The plan from {@code running} (with the files {@code from}, applied last, and {@code to}, the new one) to
     * {@code to}.
     *
     * @param listenPort  the port bound now
     * @param toEndpoints {@code to}'s peer endpoints, resolved, in peer order (null where a peer has none)
     */
    static ReloadPlan of(RunningConfig running, int listenPort, WgQuickConfig from, WgQuickConfig to,
                         List<InetSocketAddress> toEndpoints) {
        List<String> changes = new ArrayList<>();
        Optional<WgKey> privateKey = Optional.empty();
        WgKey newPublic = to.iface().privateKey().publicKey();
        if (running.publicKey().isEmpty() || !running.publicKey().get().equals(newPublic)) {
            privateKey = Optional.of(copy(to.iface().privateKey()));
            changes.add("private key replaced (public key now " + newPublic.toBase64() + ")");
        }
        OptionalInt port = OptionalInt.empty();
        if (to.iface().listenPort() != 0 && to.iface().listenPort() != listenPort) {
            port = OptionalInt.of(to.iface().listenPort());
            changes.add("listen port " + listenPort + " -> " + to.iface().listenPort());
        }
        OptionalInt fwmark = OptionalInt.empty();
        if (to.iface().fwMark() != from.iface().fwMark()) {
            fwmark = OptionalInt.of((int) to.iface().fwMark());
            changes.add("fwmark " + hex(from.iface().fwMark()) + " -> " + hex(to.iface().fwMark()));
        }

        Map<WgKey, PeerConfig> before = new HashMap<>();
        from.peers().forEach(p -> before.put(p.publicKey(), p));
        List<PeerUpdate> peers = new ArrayList<>();
        LinkedHashSet<WgKey> listed = new LinkedHashSet<>();
        for (int i = 0; i < to.peers().size(); i++) {
            PeerConfig peer = to.peers().get(i);
            if (peer.publicKey().equals(newPublic)) {
                continue; // our own key: ignored, as a set ignores it
            }
            listed.add(peer.publicKey());
            RunningConfig.PeerSettings now = running.peers().get(peer.publicKey());
            InetSocketAddress endpoint = toEndpoints.get(i);
            if (now == null) {
                peers.add(new PeerUpdate(peer.publicKey(), 0, false, false, peer.presharedKey().map(ReloadPlan::copy),
                        Optional.ofNullable(endpoint), OptionalInt.of(peer.persistentKeepaliveSeconds()),
                        allowedIps(peer.allowedIps())));
                changes.add("peer " + label(peer) + " added");
                continue;
            }
            PeerUpdate update = changed(peer, now, before.get(peer.publicKey()), endpoint, changes);
            if (update != null) {
                peers.add(update);
            }
        }
        for (WgKey key : running.peers().keySet()) {
            if (!listed.contains(key)) {
                peers.add(new PeerUpdate(key, 0, false, true, Optional.empty(), Optional.empty(), OptionalInt.empty(),
                        List.of()));
                PeerConfig old = before.get(key);
                changes.add("peer " + (old != null ? label(old) : shortKey(key)) + " removed");
            }
        }
        return new ReloadPlan(new UapiRequest.Set(new DeviceUpdate(privateKey, port, fwmark, false), peers), changes);
    }

    /** The update for a peer both have, or null when nothing differs. */
    private static PeerUpdate changed(PeerConfig peer, RunningConfig.PeerSettings now, PeerConfig before,
                                      InetSocketAddress endpoint, List<String> changes) {
        String who = "peer " + label(peer) + ": ";
        Optional<WgKey> psk = Optional.empty();
        WgKey wanted = peer.presharedKey().orElse(WgKey.of(new byte[WgKey.LENGTH]));
        if (!wanted.equals(now.presharedKey())) {
            psk = Optional.of(copy(wanted));
            changes.add(who + (peer.presharedKey().isPresent() ? "preshared key set" : "preshared key removed"));
        }
        OptionalInt keepalive = OptionalInt.empty();
        if (peer.persistentKeepaliveSeconds() != now.keepaliveSeconds()) {
            keepalive = OptionalInt.of(peer.persistentKeepaliveSeconds());
            changes.add(who + "persistent keepalive " + now.keepaliveSeconds() + " -> "
                    + peer.persistentKeepaliveSeconds() + " s");
        }
        List<AllowedIpChange> allowed = List.of();
        if (!new LinkedHashSet<>(peer.allowedIps()).equals(now.allowedIps())) {
            allowed = allowedIps(peer.allowedIps());
            changes.add(who + "allowed IPs " + now.allowedIps() + " -> " + peer.allowedIps());
        }
        Optional<InetSocketAddress> newEndpoint = Optional.empty();
        Optional<Endpoint> previousLine = before == null ? Optional.empty() : before.endpoint();
        boolean lineChanged = before == null || !previousLine.equals(peer.endpoint());
        if (endpoint != null && (lineChanged || now.endpoint() == null) && !endpoint.equals(now.endpoint())) {
            newEndpoint = Optional.of(endpoint);
            changes.add(who + "endpoint " + (now.endpoint() == null ? "(none)" : format(now.endpoint())) + " -> "
                    + format(endpoint));
        }
        if (psk.isEmpty() && keepalive.isEmpty() && allowed.isEmpty() && newEndpoint.isEmpty()) {
            return null;
        }
        return new PeerUpdate(peer.publicKey(), 0, true, false, psk, newEndpoint, keepalive, allowed);
    }

    private static List<AllowedIpChange> allowedIps(List<Prefix> prefixes) {
        List<AllowedIpChange> changes = new ArrayList<>();
        changes.add(AllowedIpChange.clear());
        prefixes.forEach(p -> changes.add(AllowedIpChange.add(p)));
        return changes;
    }

    private static WgKey copy(WgKey key) {
        byte[] bytes = key.bytes();
        try {
            return WgKey.of(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The friendly name and short key, or the short key: {@code Satellite (Zx4a…Yc=)}. */
    static String label(PeerConfig peer) {
        return peer.name().map(n -> n + " (" + shortKey(peer.publicKey()) + ")").orElse(shortKey(peer.publicKey()));
    }

    /** wireguard-go's short form of a public key: its first and last four base64 characters. */
    static String shortKey(WgKey key) {
        String base64 = key.toBase64();
        return base64.substring(0, 4) + "…" + base64.substring(base64.length() - 4);
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String hex(long mark) {
        return mark == 0 ? "off" : "0x" + Long.toHexString(mark);
    }
}
