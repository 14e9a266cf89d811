package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** The end of every test that builds a {@link TwoOffices} network: remove it and check it left nothing. */
final class OfficesTeardown {

    private OfficesTeardown() {
    }

    /**
     * Reads the gateways' leak reports (before the logs go), closes {@code offices}, then fails on any
     * clean-up problem, anything left behind, or a leak report. Does nothing for {@code null}.
     */
    static void closeAndCheck(TwoOffices offices) {
        if (offices == null) {
            return;
        }
        List<String> leaks = GatewayLeaks.reported(offices);
        offices.close();
        assertEquals(List.of(), offices.cleanupProblems(), "cleanup problems");
        assertEquals(List.of(), offices.leftovers(), "left behind after close");
        assertEquals(List.of(), leaks, "Netty leak reports in the gateways' logs");
    }
}
