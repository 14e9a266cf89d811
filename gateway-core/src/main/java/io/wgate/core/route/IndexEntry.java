package io.wgate.core.route;

import io.wgate.core.peer.Peer;
import io.wgate.core.session.Keypair;

/**
 * What a receiver index points at in the engine's {@link IndexTable}: a peer's handshake in progress (the entry
 * is the {@link Peer}) or a session (the entry is the {@link Keypair}). Each lookup asks for the kind it can use,
 * so a keypair's index never routes a handshake response and a handshake's index never opens transport data.
 */
public interface IndexEntry {

    /** The peer, when the index belongs to that peer's handshake in progress; null for a keypair. */
    Peer handshakePeer();

    /** The keypair, when the index belongs to a session; null for a handshake. */
    Keypair keypair();

    /** The peer the index belongs to, either way. */
    Peer owner();
}
