package io.wgate.core.noise;

/** Where one peer's handshake stands (the kernel's {@code enum noise_handshake_state}). */
public enum HandshakeState {
    /** Nothing in progress; no handshake secrets are held. */
    ZEROED,
    /** We sent an initiation and wait for the response. */
    INITIATION_CREATED,
    /** We consumed an initiation and may now create the response. */
    INITIATION_CONSUMED,
    /** We sent a response; the session is derived and waits for the initiator's first packet. */
    RESPONSE_CREATED,
    /** We consumed a response; the session can be derived. */
    RESPONSE_CONSUMED
}
