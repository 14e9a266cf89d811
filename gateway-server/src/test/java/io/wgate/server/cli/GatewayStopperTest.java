package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayStopperTest {

    @Test
    void aProcessThatMayNotBeSignalledEndsTheStopAtOnce() {
        FakeProcessHandle rootsGateway = new FakeProcessHandle(4242, List.of("java", "-jar", "wgate.jar", "up", "x.conf"));
        long start = System.nanoTime();
        assertEquals(GatewayStopper.Outcome.NOT_PERMITTED, GatewayStopper.standard().stop(rootsGateway));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "must not wait for an exit that will not come");
        assertEquals(1, rootsGateway.destroyCalls, "no SIGKILL after a refused SIGTERM");
    }

    @Test
    void aProcessThatExitsOnSigtermIsStopped() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        assertEquals(GatewayStopper.Outcome.STOPPED,
                new GatewayStopper(Duration.ofSeconds(10), Duration.ofSeconds(5)).stop(sleeper.toHandle()));
        assertFalse(sleeper.isAlive());
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; exec sleep 60").start();
        Thread.sleep(300); // let the shell install the trap
        try {
            assertEquals(GatewayStopper.Outcome.KILLED,
                    new GatewayStopper(Duration.ofMillis(500), Duration.ofSeconds(5)).stop(stubborn.toHandle()));
            assertFalse(stubborn.isAlive());
        } finally {
            stubborn.destroyForcibly();
        }
    }
}
