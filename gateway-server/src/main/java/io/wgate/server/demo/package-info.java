/**
 * {@code wgate demo} and the two-office test network: the users' site-to-site setup (Main Office LAN
 * 10.10.10.0/24, Satellite Office LAN 192.168.1.0/24, a simulated Internet on documentation ranges) built
 * for real in five network namespaces, with wgate or wireguard-go on either gateway.
 *
 * <p>Where it sits: outside the packet path, entirely. It drives whole gateway processes from the
 * outside, as a user would: {@link io.wgate.server.demo.Topology} builds namespaces and veth links with
 * {@code ip}, {@link io.wgate.server.demo.TwoOffices} generates keys and wg-quick configs and starts a
 * {@link io.wgate.server.demo.Gateway} per office ({@code wgate up --foreground} or
 * {@code wireguard-go -f}) in its namespace, reads their status over the UAPI socket
 * ({@link io.wgate.server.uapi.UapiClient}) and removes everything again, also from a shutdown hook.
 * {@link io.wgate.server.demo.DemoCommand} is the command; the integration tests use the same classes.
 *
 * <p>Needs root and iproute2 only: pings fall back to {@link io.wgate.server.demo.Probe}, web traffic
 * uses the JDK's {@code jwebserver} and {@link io.wgate.server.demo.Fetch}, and wireguard-go is
 * configured over its socket when {@code wg} is missing.
 */
package io.wgate.server.demo;
