package io.wgate.server.demo;

/**
 * Checks that the wgate gateways of a {@link TwoOffices} network seal and open on crypto workers: the failsafe
 * configuration sets {@code WGATE_CRYPTO_WORKERS} for every gateway the integration tests start (CI's two cores
 * would otherwise leave auto inline), and each gateway logs how many workers it started.
 */
final class GatewayWorkers {

    static final String VARIABLE = "WGATE_CRYPTO_WORKERS";

    private GatewayWorkers() {
    }

    /**
     * Fails unless every running wgate gateway of {@code offices} logged the worker count of
     * {@value #VARIABLE}; without the variable (a run outside failsafe) only under {@code CI=true}.
     */
    static void assertCryptoWorkers(TwoOffices offices) {
        String expected = System.getenv(VARIABLE);
        if (expected == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(VARIABLE + " is not set: run the integration tests through failsafe"
                        + " (./mvnw verify), which sets it so the gateways run the multi-core path");
            }
            return;
        }
        String line = expected.strip() + " crypto workers";
        for (Gateway gateway : offices.gateways()) {
            if (gateway.kind() == GatewayKind.WGATE && !gateway.log().contains(line)) {
                throw new AssertionError(gateway.office() + " gateway did not log '" + line + "' ("
                        + VARIABLE + "=" + expected + "); its log:\n" + gateway.log());
            }
        }
    }
}
