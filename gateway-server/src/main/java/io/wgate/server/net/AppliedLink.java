package io.wgate.server.net;

import java.util.List;

/**
 * The outcome of a successful {@link LinkSetup#up}.
 *
 * @param interfaceName the link
 * @param mtu           the MTU the link was given
 * @param fwMark        the fwmark the gateway's UDP sockets must carry (SO_MARK) and the engine must
 *                      report; 0 = none. Non-zero when the config set FwMark, or when a {@code /0} with
 *                      {@code Table = auto} made {@code up} choose one: without it, encrypted packets
 *                      would be routed back into the tunnel.
 * @param steps         the host changes made, oldest first (also in the state file)
 */
public record AppliedLink(String interfaceName, int mtu, long fwMark, List<NetStep> steps) {

    public AppliedLink {
        steps = List.copyOf(steps);
    }
}
