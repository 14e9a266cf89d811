package io.wgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.wgate.core.testkit.EnginePair;
import io.wgate.core.testkit.Packets;
import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.RequiresCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Prometheus's own linter accepts the whole exposition ({@code promtool check metrics}). */
@RequiresCommands("promtool")
class PromtoolCheckTest {

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        try (EnginePair pair = new EnginePair(40)) {
            pair.sendPacket(pair.alice, Packets.udp4("10.0.0.1", "10.0.0.2", Packets.payload(64, 1)));
            pair.bob.takeTunnel().forEach(ByteBuf::release);
            FakeSource source = new FakeSource(pair, pair.bob.engine);
            source.friendlyNames = Map.of(Base64.getEncoder().encodeToString(pair.alice.publicKey), "Main \"HQ\"");
            try (GatewayMetrics metrics = new GatewayMetrics(source, MetricsOptions.parse(MetricsOptions.DEFAULTS,
                    "remote-endpoint,handshake-delay"), "0.1.0")) {
                String text = Expositions.scrape(metrics);
                Process promtool = new ProcessBuilder(List.of(Executables.require("promtool").toString(), "check",
                        "metrics")).redirectErrorStream(true).start();
                promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                promtool.getOutputStream().close();
                String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
                    promtool.destroyForcibly();
                    throw new IOException("promtool did not finish");
                }
                assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + output + "\non:\n" + text);
            }
        }
    }
}
