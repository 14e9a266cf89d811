package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.uapi.AllowedIpChange;
import io.wgate.server.uapi.PeerUpdate;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The engine side of a reload: only what differs from what runs, the endpoint only when its line changed. */
class ReloadPlanTest {

    private static final WgKey OURS = key(1);
    private static final WgKey SATELLITE = key(2);
    private static final WgKey BRANCH = key(3);
    private static final WgKey EXTRA = key(4);
    private static final WgKey PSK = key(5);
    private static final WgKey ZERO = WgKey.of(new byte[32]);
    private static final InetSocketAddress SATELLITE_WAN = new InetSocketAddress("198.51.100.2", 51820);
    private static final InetSocketAddress ROAMED = new InetSocketAddress("203.0.113.9", 40000);

    private static WgKey key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        bytes[0] = (byte) (fill * 8); // a clamped-looking private key; any 32 bytes do for a public key
        return WgKey.of(bytes);
    }

    private static String interfaceSection(String extra) {
        return "[Interface]\nPrivateKey = " + OURS.toBase64() + "\nAddress = 10.0.0.1/24\nListenPort = 51820\n" + extra;
    }

    private static String peer(WgKey key, String allowed, String extra) {
        return "[Peer]\nPublicKey = " + key.toBase64() + "\nAllowedIPs = " + allowed + "\n" + extra;
    }

    private static WgQuickConfig config(String text) throws Exception {
        return WgQuickConfig.parse("wg0.conf", text.lines().toList());
    }

    private static final String FILE = interfaceSection("")
            + peer(SATELLITE, "10.0.0.2/32, 192.168.1.0/24", "Endpoint = 198.51.100.2:51820\n")
            + peer(BRANCH, "192.168.2.0/24", "");

    /** What runs after starting from {@link #FILE}, the satellite roamed to {@link #ROAMED}. */
    private static RunningConfig running() {
        Map<WgKey, RunningConfig.PeerSettings> peers = new LinkedHashMap<>();
        peers.put(SATELLITE, new RunningConfig.PeerSettings(ZERO, 0,
                new LinkedHashSet<>(List.of(Prefix.parse("10.0.0.2/32"), Prefix.parse("192.168.1.0/24"))), ROAMED));
        peers.put(BRANCH, new RunningConfig.PeerSettings(ZERO, 0,
                new LinkedHashSet<>(List.of(Prefix.parse("192.168.2.0/24"))), null));
        return new RunningConfig(Optional.of(OURS.publicKey()), peers);
    }

    private static List<InetSocketAddress> endpoints(InetSocketAddress... perPeer) {
        return new ArrayList<>(Arrays.asList(perPeer));
    }

    @Test
    void theSameFileChangesNothingAndLeavesARoamedEndpointAlone() throws Exception {
        ReloadPlan plan = ReloadPlan.of(running(), 51820, config(FILE), config(FILE),
                endpoints(SATELLITE_WAN, null));

        assertEquals(List.of(), plan.changes());
        assertEquals(List.of(), plan.request().peers());
        assertTrue(plan.request().device().privateKey().isEmpty());
        assertTrue(plan.request().device().listenPort().isEmpty());
        assertTrue(plan.request().device().fwmark().isEmpty());
    }

    @Test
    void aChangedNeighbourIsUpdatedAloneAndANewPeerIsAdded() throws Exception {
        String edited = interfaceSection("")
                + peer(SATELLITE, "10.0.0.2/32, 192.168.1.0/24", "Endpoint = 198.51.100.2:51820\n")
                + peer(BRANCH, "192.168.2.0/24, 192.168.22.0/24", "PersistentKeepalive = 25\nPresharedKey = "
                        + PSK.toBase64() + "\n")
                + peer(EXTRA, "192.168.3.0/24", "Endpoint = 203.0.113.7:51820\n");
        InetSocketAddress extraEndpoint = new InetSocketAddress("203.0.113.7", 51820);

        ReloadPlan plan = ReloadPlan.of(running(), 51820, config(FILE), config(edited),
                endpoints(SATELLITE_WAN, null, extraEndpoint));

        assertEquals(2, plan.request().peers().size());
        PeerUpdate branch = plan.request().peers().get(0);
        assertEquals(BRANCH, branch.publicKey());
        assertTrue(branch.updateOnly());
        assertEquals(Optional.of(PSK), branch.presharedKey());
        assertEquals(OptionalInt.of(25), branch.persistentKeepaliveSeconds());
        assertEquals(List.of(AllowedIpChange.clear(), AllowedIpChange.add(Prefix.parse("192.168.2.0/24")),
                AllowedIpChange.add(Prefix.parse("192.168.22.0/24"))), branch.allowedIps());
        assertEquals(Optional.empty(), branch.endpoint());
        PeerUpdate extra = plan.request().peers().get(1);
        assertEquals(EXTRA, extra.publicKey());
        assertFalse(extra.updateOnly());
        assertEquals(Optional.of(extraEndpoint), extra.endpoint());
        assertEquals(OptionalInt.of(0), extra.persistentKeepaliveSeconds());
        assertEquals(4, plan.changes().size(), plan.changes().toString());
        assertTrue(plan.changes().getLast().endsWith(" added"), plan.changes().toString());
        assertTrue(plan.changes().stream().noneMatch(c -> c.contains(PSK.toBase64())), "a key in " + plan.changes());
    }

    @Test
    void anEditedEndpointLineWinsOverRoamingAndARemovedPeerGoes() throws Exception {
        String edited = interfaceSection("FwMark = 0x10\n").replace("51820\n", "51999\n")
                + peer(SATELLITE, "10.0.0.2/32, 192.168.1.0/24", "Endpoint = 198.51.100.3:51820\n");
        InetSocketAddress moved = new InetSocketAddress("198.51.100.3", 51820);

        ReloadPlan plan = ReloadPlan.of(running(), 51820, config(FILE), config(edited), endpoints(moved));

        assertEquals(OptionalInt.of(51999), plan.request().device().listenPort());
        assertEquals(OptionalInt.of(0x10), plan.request().device().fwmark());
        assertEquals(2, plan.request().peers().size());
        assertEquals(Optional.of(moved), plan.request().peers().get(0).endpoint());
        assertTrue(plan.request().peers().get(0).allowedIps().isEmpty());
        PeerUpdate removed = plan.request().peers().get(1);
        assertEquals(BRANCH, removed.publicKey());
        assertTrue(removed.remove());
        assertEquals(List.of("listen port 51820 -> 51999", "fwmark off -> 0x10",
                "peer " + ReloadPlan.shortKey(SATELLITE) + ": endpoint 203.0.113.9:40000 -> 198.51.100.3:51820",
                "peer " + ReloadPlan.shortKey(BRANCH) + " removed"), plan.changes());
    }

    @Test
    void aPeerAddedWithWgSetIsRemovedAndANewPrivateKeyIsSentWithoutBeingShown() throws Exception {
        RunningConfig running = running();
        Map<WgKey, RunningConfig.PeerSettings> peers = new LinkedHashMap<>(running.peers());
        peers.put(EXTRA, new RunningConfig.PeerSettings(ZERO, 0, new LinkedHashSet<>(), null));
        WgKey newPrivate = key(9);
        String edited = FILE.replace(OURS.toBase64(), newPrivate.toBase64());

        ReloadPlan plan = ReloadPlan.of(new RunningConfig(running.publicKey(), peers), 51820, config(FILE),
                config(edited), endpoints(SATELLITE_WAN, null));

        assertEquals(Optional.of(newPrivate), plan.request().device().privateKey());
        assertEquals(List.of("private key replaced (public key now " + newPrivate.publicKey().toBase64() + ")",
                "peer " + ReloadPlan.shortKey(EXTRA) + " removed"), plan.changes());
        assertTrue(plan.changes().stream().noneMatch(c -> c.contains(newPrivate.toBase64())));
    }
}
