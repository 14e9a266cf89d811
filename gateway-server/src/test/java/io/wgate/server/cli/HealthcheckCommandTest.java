package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.uapi.DeviceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@code wgate healthcheck NAME}: each check in turn, one line, exit 0 or 1. */
class HealthcheckCommandTest {

    /** Probes that pass unless a field says otherwise. */
    static final class Probes implements HealthcheckCommand.Probes {
        OptionalLong pid = OptionalLong.of(4242);
        boolean serves = true;
        Exception uapiFailure;
        boolean link = true;

        @Override
        public OptionalLong pid(String name) {
            return pid;
        }

        @Override
        public boolean servesGateway(long pid, String name) {
            return serves;
        }

        @Override
        public DeviceStatus uapiGet(String name) throws Exception {
            if (uapiFailure != null) {
                throw uapiFailure;
            }
            return new DeviceStatus(name, Optional.empty(), Optional.empty(), 51820, 0, List.of());
        }

        @Override
        public boolean linkExists(String name) {
            return link;
        }
    }

    private final Probes probes = new Probes();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return HealthcheckCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), probes);
    }

    private String line(ByteArrayOutputStream stream) {
        String text = stream.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), "one line: " + text);
        return text.strip();
    }

    @Test
    void healthyWhenEveryCheckPasses() {
        assertEquals(0, run("site"));
        assertEquals("wgate healthcheck: site: healthy (pid 4242, 0 peer(s), no handshake yet)", line(out));
    }

    @Test
    void eachFailingCheckGivesExitOneAndItsReason() {
        probes.link = false;
        assertEquals(1, run("site"));
        assertTrue(line(err).endsWith("unhealthy: the TUN link site does not exist in this network namespace"));
        err.reset();
        probes.uapiFailure = new TimeoutException();
        assertEquals(1, run("site"));
        assertTrue(line(err).endsWith("the UAPI socket did not answer 'get' within 5 s"), err.toString());
        err.reset();
        probes.uapiFailure = new IOException("connection refused");
        assertEquals(1, run("site"));
        assertTrue(line(err).endsWith("the UAPI socket does not answer: connection refused"));
        err.reset();
        probes.serves = false;
        assertEquals(1, run("site"));
        assertTrue(line(err).contains("names 4242, which is not a running wgate gateway for site"));
        err.reset();
        probes.pid = OptionalLong.empty();
        assertEquals(1, run("site"));
        assertTrue(line(err).contains("not running"));
    }

    @Test
    void aBadNameOrNoNameIsAnError() {
        assertEquals(1, run());
        assertEquals(1, run("a-name-far-too-long-for-a-link"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("wgate healthcheck"));
    }
}
