/**
 * The WireGuard cross-platform userspace API (UAPI, https://www.wireguard.com/xplatform/): the Unix socket
 * {@code /var/run/wireguard/<ifname>.sock} through which {@code wg}, {@code wg-quick} and
 * {@code wgate show} read and change a running gateway exactly as they do with wireguard-go.
 *
 * <p>Where it sits: beside the data path, on the engine's own event loop. {@link io.wgate.server.uapi.UapiServer}
 * accepts connections on that loop, so every request runs on the engine's owner thread and never
 * races packet processing. A request is framed by {@link io.wgate.server.uapi.UapiProtocol}; a
 * {@code set} is parsed whole by {@link io.wgate.server.uapi.SetRequestParser}, checked against the
 * current state and applied all-or-nothing by {@link io.wgate.server.uapi.SetOperation}; a {@code get}
 * is rendered by {@link io.wgate.server.uapi.GetOperation}. Device settings the engine does not own
 * (listen port, fwmark) are reached through {@link io.wgate.server.uapi.UapiDevice}, which the gateway
 * implements.
 *
 * <p>The client side ({@link io.wgate.server.uapi.UapiClient}, {@link io.wgate.server.uapi.DeviceStatus},
 * {@link io.wgate.server.uapi.ShowFormatter}) is what {@code wgate show} uses; it talks to any
 * UAPI daemon, wireguard-go included.
 *
 * <p>Errors are the negative errno values wireguard-go answers with ({@link io.wgate.server.uapi.UapiException}).
 * Keys never appear in logs or messages.
 */
package io.wgate.server.uapi;
