package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine, its loop and the UDP socket without a TUN device (no root needed). */
class DataPlaneTest {

    private final Teardown teardown = new Teardown("wgt-dp0");
    private final DataPlane dataPlane = new DataPlane("wgt-dp0", GatewayOptions.defaults().withAead("jdk"), teardown);

    @AfterEach
    void tearDown() {
        teardown.runAll();
    }

    private void start() throws Exception {
        dataPlane.startEngine(TestGateways.mainOffice("wgt-dp0", List.of()), Arrays.asList((java.net.InetSocketAddress) null));
        dataPlane.openUdp(0, 0);
    }

    @Test
    void theSocketComesUpWithTheOutboxAlreadyAttached() throws Exception {
        start();
        assertTrue(dataPlane.listenPort() > 0);
        assertEquals(0, dataPlane.backpressureDrops(), "the outbox is published for other threads");
    }

    @Test
    void theOutboxCanOnlyBeAttachedOnTheEnginesLoop() throws Exception {
        start();
        EngineDriver driver = new EngineDriver(dataPlane.engine(), dataPlane.loop());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> driver.attach(null));
        assertTrue(e.getMessage().startsWith("attach the outbox: must run on the engine's event loop"), e.getMessage());
    }

    @Test
    void theMostCryptoWorkersTheOptionsAllowStart() throws Exception {
        Teardown many = new Teardown("wgt-dp1");
        try {
            DataPlane plane = new DataPlane("wgt-dp1", GatewayOptions.defaults().withAead("jdk")
                    .withCryptoWorkers(GatewayOptions.MAX_WORKERS), many);
            plane.startEngine(TestGateways.mainOffice("wgt-dp1", List.of()),
                    Arrays.asList((java.net.InetSocketAddress) null));
            assertEquals(GatewayOptions.MAX_WORKERS, plane.cryptoWorkers(),
                    "started, though a ring of 1024 jobs holds 128 workers only");
        } finally {
            many.runAll();
        }
    }

    @Test
    void theFwMarkIsSetOnTheLoopOnly() throws Exception {
        start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dataPlane.setFwMark(51820));
        assertTrue(e.getMessage().startsWith("change the UDP socket: must run on the engine's event loop"),
                e.getMessage());
        assertEquals(0, dataPlane.fwMark());
    }
}
