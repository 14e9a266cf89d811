/**
 * Host network setup around the tunnel interface: what wg-quick does after creating the link
 * (addresses, MTU, routes, fwmark policy rules and nft tables, hooks), and undoing it on {@code down}.
 *
 * <p>Where it sits: once, at start-up and shut-down, outside the packet path. The server opens the
 * TUN (gateway-tun), then {@link io.wgate.server.net.LinkSetup#up} brings it into service from the
 * parsed config; {@link io.wgate.server.net.LinkSetup#preDown} and
 * {@link io.wgate.server.net.LinkSetup#postDown} remove what {@code up} added, before and after the TUN
 * closes, using the record it keeps under {@code /run/wgate/<if>.state} (the
 * {@link io.wgate.server.net.RunDirectory}), so another process, or the start-up clean-up after a crash
 * ({@link io.wgate.server.net.LinkSetup#cleanup}), can undo it too. All host changes go through
 * {@link io.wgate.server.net.CommandRunner} ({@code ip}, {@code sysctl}, {@code nft}, {@code bash -c} for hooks),
 * which tests replace with a fake or with a runner that enters a network namespace.
 *
 * <p>Behaviour follows wg-quick's {@code linux.bash} (wireguard-tools {@code src/wg-quick/linux.bash}, wg-quick(8))
 * except where a class
 * comment says otherwise.
 */
package io.wgate.server.net;
