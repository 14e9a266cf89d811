package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.core.route.Prefix;
import io.wgate.server.config.WgKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SetOperation} against its naive twin {@link NaiveDevice} on seeded random request sequences:
 * valid and invalid lines, {@code replace_peers}, {@code remove}, {@code update_only}, our own key,
 * a peer limit and a busy port. After every request both must agree on success and on the whole state.
 */
class SetOperationDifferentialTest {

    private static final int MAX_PEERS = 4;
    private static final int BUSY_PORT = 51822;
    private static final String[] PREFIXES = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "fd00::/64", "0.0.0.0/0",
            "192.0.2.0/24"};
    private static final String[] ENDPOINTS = {"192.0.2.1:51820", "[2001:db8::1]:51820", "198.51.100.2:1"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x5eed, 20260101})
    void agreesWithTheNaiveTwin(long seed) {
        System.out.println("SetOperationDifferentialTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Engine engine = TestEngines.engine(seed);
        try {
            FakeDevice device = new FakeDevice(engine);
            device.busyPorts.add(BUSY_PORT);
            NaiveDevice naive = new NaiveDevice(MAX_PEERS, Set.of(BUSY_PORT));
            SetOperation operation = new SetOperation(MAX_PEERS);
            int applied = 0;
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                String body = randomRequest(random);
                UapiRequest.Set request;
                try {
                    request = SetRequestParser.parse(body);
                } catch (UapiException e) {
                    continue; // parse errors never reach either side
                }
                boolean expected = naive.apply(request);
                boolean actual;
                try {
                    if (i % 2 == 0) {
                        operation.apply(device, request);
                    } else {
                        applyOneStepPerSlice(operation, device, request);
                    }
                    actual = true;
                } catch (UapiException e) {
                    actual = false;
                }
                String where = "seed " + seed + ", request " + i + (i % 2 == 0 ? "" : " (one step per slice)")
                        + ":\n" + body;
                assertEquals(expected, actual, where);
                assertEquals(naive.snapshot(), snapshot(engine, device), where);
                assertEquals(GetOperation.render(device), renderOnePeerPerSlice(device), where);
                if (actual) {
                    applied++;
                } else {
                    refused++;
                }
            }
            assertTrue(applied > 50 && refused > 5, "both outcomes exercised: " + applied + " applied, "
                    + refused + " refused");
        } finally {
            engine.close();
        }
    }

    /** The way the UAPI runs a request: in slices, here as short as they get (a deadline already past). */
    private static void applyOneStepPerSlice(SetOperation operation, FakeDevice device, UapiRequest.Set request)
            throws UapiException {
        SetOperation.Run run = operation.begin(device, request);
        while (!run.step(System.nanoTime() - 1)) {
            // the next slice
        }
    }

    private static String renderOnePeerPerSlice(FakeDevice device) {
        GetOperation.Run run = GetOperation.begin(device);
        while (!run.step(System.nanoTime() - 1)) {
            // the next slice
        }
        return String.join("", run.text());
    }

    private static NaiveDevice.Snapshot snapshot(Engine engine, FakeDevice device) {
        byte[] privateKey = engine.privateKey();
        List<WgKey> order = new ArrayList<>();
        Map<WgKey, NaiveDevice.PeerConfig> peers = new HashMap<>();
        Map<WgKey, Set<Prefix>> allowed = new HashMap<>();
        for (Peer peer : engine.peers()) {
            WgKey key = WgKey.of(peer.publicKey());
            order.add(key);
            WgKey psk = peer.handshake().hasPresharedKey() ? WgKey.of(peer.handshake().presharedKey()) : null;
            peers.put(key, new NaiveDevice.PeerConfig(psk, peer.endpoint(), peer.persistentKeepaliveSeconds()));
            allowed.put(key, new TreeSet<>(engine.allowedIps(peer)));
        }
        return new NaiveDevice.Snapshot(privateKey == null ? null : WgKey.of(privateKey), device.listenPort(),
                device.fwmark(), order, Map.copyOf(peers), allowed);
    }

    private static String randomRequest(SplittableRandom random) {
        StringBuilder body = new StringBuilder();
        int deviceLines = random.nextInt(4);
        for (int i = 0; i < deviceLines; i++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> body.append("private_key=").append(random.nextInt(6) == 0 ? "0".repeat(64)
                        : TestEngines.privateHex(1 + random.nextInt(6))).append('\n');
                case 2, 3 -> body.append("listen_port=").append(new int[] {0, 51820, 51821, BUSY_PORT}[random.nextInt(4)])
                        .append('\n');
                case 4 -> body.append("fwmark=").append(random.nextInt(3)).append('\n');
                case 5, 6 -> body.append("replace_peers=true\n");
                case 7 -> body.append("listen_port=70000\n");
                default -> body.append("frobnicate=1\n");
            }
        }
        int sections = random.nextInt(5);
        for (int s = 0; s < sections; s++) {
            body.append("public_key=").append(TestEngines.publicHex(1 + random.nextInt(7))).append('\n');
            int lines = random.nextInt(5);
            for (int i = 0; i < lines; i++) {
                switch (random.nextInt(16)) {
                    case 0 -> body.append("update_only=true\n");
                    case 1 -> body.append("remove=true\n");
                    case 2 -> body.append("preshared_key=").append(random.nextBoolean() ? "0".repeat(64)
                            : TestEngines.privateHex(20 + random.nextInt(2))).append('\n');
                    case 3, 4 -> body.append("endpoint=").append(ENDPOINTS[random.nextInt(ENDPOINTS.length)])
                            .append('\n');
                    case 5 -> body.append("persistent_keepalive_interval=").append(random.nextBoolean() ? 0 : 25)
                            .append('\n');
                    case 6 -> body.append("replace_allowed_ips=true\n");
                    case 7, 8, 9, 10 -> body.append("allowed_ip=").append(PREFIXES[random.nextInt(PREFIXES.length)])
                            .append('\n');
                    case 11, 12 -> body.append("allowed_ip=-").append(PREFIXES[random.nextInt(PREFIXES.length)])
                            .append('\n');
                    case 13 -> body.append("protocol_version=1\n");
                    case 14 -> body.append("endpoint=nowhere\n");
                    default -> body.append("allowed_ip=10.0.0.0/99\n");
                }
            }
        }
        return body.toString();
    }
}
