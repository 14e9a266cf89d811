package io.wgate.core.noise;

import java.util.Arrays;

/**
 * What a finished handshake hands to the session layer: the two transport keys oriented for our role,
 * and the indices both sides use to address the session.
 *
 * @param sendKey     key we encrypt with
 * @param receiveKey  key we decrypt with
 * @param initiator   whether we initiated this handshake (only the initiator rekeys on time)
 * @param localIndex  our receiver index, carried by the peer's transport messages to us
 * @param remoteIndex the peer's receiver index, written into our transport messages
 */
public record SessionKeys(byte[] sendKey, byte[] receiveKey, boolean initiator, int localIndex, int remoteIndex) {

    /** Zeroes both keys. */
    public void wipe() {
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "SessionKeys[initiator=" + initiator + ", localIndex=" + Integer.toUnsignedString(localIndex)
                + ", remoteIndex=" + Integer.toUnsignedString(remoteIndex) + "]";
    }
}
