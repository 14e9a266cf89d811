package io.wgate.core.session;

/**
 * Test access to {@link Keypair}'s package-private send-counter seam, for engine tests in other
 * packages that must reach REKEY_AFTER_MESSAGES (2^60) or REJECT_AFTER_MESSAGES without sealing that
 * many messages. It lives in the test sources only, so production code cannot reach the seam.
 */
public final class SendCounters {

    private SendCounters() {
    }

    /**
     * Moves {@code keypair}'s send counter forward to {@code counter} (unsigned), as if the messages in
     * between had been sent; the next message sealed with it carries {@code counter}.
     *
     * @throws IllegalArgumentException if that would move the counter back or past REJECT_AFTER_MESSAGES
     */
    public static void skipTo(Keypair keypair, long counter) {
        keypair.skipSendCounterTo(counter);
    }
}
