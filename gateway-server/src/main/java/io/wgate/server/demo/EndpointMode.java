package io.wgate.server.demo;

/** Which office's configuration names the other's public address ({@code Endpoint =}). */
public enum EndpointMode {
    /** Both: either gateway can start the handshake (the usual site-to-site setup). */
    BOTH,
    /**
     * Only the Satellite knows where the Main Office is: the Main Office gateway can only respond, so
     * the Satellite initiates, and the Main Office learns the Satellite's address from its packets.
     */
    SATELLITE_ONLY
}
