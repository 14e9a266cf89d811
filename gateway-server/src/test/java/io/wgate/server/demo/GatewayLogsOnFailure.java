package io.wgate.server.demo;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Prints the end of both gateways' output when a test fails, before {@code @AfterEach} removes the
 * network and with it the logs.
 */
final class GatewayLogsOnFailure implements TestExecutionExceptionHandler {

    private final Supplier<TwoOffices> offices;

    GatewayLogsOnFailure(Supplier<TwoOffices> offices) {
        this.offices = offices;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        TwoOffices current = offices.get();
        if (current != null) {
            System.err.println("=== " + context.getDisplayName() + " failed: " + throwable + "\n"
                    + current.diagnostics(80));
        }
        throw throwable;
    }
}
