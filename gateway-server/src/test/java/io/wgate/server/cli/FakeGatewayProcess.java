package io.wgate.server.cli;

import java.nio.file.Path;

/**
 * A stand-in for a gateway process in tests of {@code wgate down} and {@code wgate up}: it holds an
 * interface's {@link GatewayLock} and records its pid in it, as a gateway does, and its command line can
 * look like one ({@code ... io.wgate.server.Main up DIR/NAME.conf --foreground}, passed as trailing
 * arguments). On SIGTERM it exits after {@code STOP_DELAY_MILLIS}, undoing nothing.
 *
 * <p>Arguments: {@code LOCK_FILE STOP_DELAY_MILLIS [ANYTHING...]}; prints {@code locked} once it holds the
 * lock, or {@code held} and exits 3.
 */
public final class FakeGatewayProcess {

    private FakeGatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        long stopDelayMillis = Long.parseLong(args[1]);
        if (!(GatewayLock.tryAcquire(Path.of(args[0])) instanceof GatewayLock.Acquired acquired)) {
            System.out.println("held");
            System.exit(3);
            return;
        }
        acquired.lock().recordOwner(ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(stopDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
