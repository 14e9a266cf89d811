package io.wgate.server.gateway;

/** The gateway could not start (or do what was asked); the message says what and, where known, how to fix it. */
public final class GatewayException extends Exception {

    private static final long serialVersionUID = 1L;

    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
