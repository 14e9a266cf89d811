package io.wgate.server.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty leak reports from the wgate gateways a {@link TwoOffices} network runs as child JVMs. The
 * failsafe configuration starts them with leak detection on ({@link JavaRuntime#GATEWAY_OPTIONS_PROPERTY});
 * Netty logs a leak as a line with {@code LEAK:}, which the tests turn into a failure.
 */
final class GatewayLeaks {

    /** The option the failsafe configuration passes to every gateway. */
    static final String LEAK_DETECTION_OPTION = "-Dio.netty.leakDetection.level=advanced";

    private GatewayLeaks() {
    }

    /**
     * The {@code LEAK:} lines, with the records after each, of every wgate gateway of {@code offices} that
     * was started; read before {@link TwoOffices#close()} removes the logs.
     */
    static List<String> reported(TwoOffices offices) {
        List<String> reports = new ArrayList<>();
        for (Gateway gateway : offices.gateways()) {
            if (gateway.kind() != GatewayKind.WGATE) {
                continue;
            }
            String log = gateway.log();
            int at = log.indexOf("LEAK:");
            while (at >= 0) {
                int end = log.indexOf("LEAK:", at + 1);
                reports.add(gateway.office() + ": "
                        + log.substring(at, end < 0 ? Math.min(log.length(), at + 4000) : end));
                at = end;
            }
        }
        return reports;
    }

    /**
     * Whether the running gateway {@code pid} was started with {@link #LEAK_DETECTION_OPTION}, so that an
     * empty {@link #reported} means something.
     */
    static boolean detectionOn(long pid) throws IOException {
        byte[] commandLine = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        return List.of(new String(commandLine, StandardCharsets.UTF_8).split("\0")).contains(LEAK_DETECTION_OPTION);
    }

    /** Fails unless every running wgate gateway of {@code offices} has leak detection on. */
    static void assertLeakDetectionOn(TwoOffices offices) throws IOException {
        for (Gateway gateway : offices.gateways()) {
            if (gateway.kind() == GatewayKind.WGATE && !detectionOn(gateway.pid())) {
                throw new AssertionError(gateway.office() + " gateway runs without " + LEAK_DETECTION_OPTION
                        + ": run the integration tests through failsafe (./mvnw verify), which passes it with -D"
                        + JavaRuntime.GATEWAY_OPTIONS_PROPERTY);
            }
        }
    }
}
