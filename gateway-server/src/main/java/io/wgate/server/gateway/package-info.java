/**
 * The I/O shell around the engine: a Netty event loop owns the {@link io.wgate.core.Engine}, the UDP
 * socket and the TUN device. UDP pipeline: {@code HandshakeHandler} (types 1-3 to the engine's
 * handshake queue) → {@code DecryptHandler} (transport data to plaintext) → {@code RouteHandler}
 * (plaintext to the TUN device). TUN pipeline: {@code EncryptHandler} (IP packet to datagram). The
 * handlers are thin adapters; {@code EngineDriver} flushes per batch and schedules the engine's ticks.
 * {@code Gateway} runs the life cycle: start-up (stoppable from another thread, {@code StartGuard}),
 * the {@code DataPlane} wiring, and the teardown list ({@code Teardown}) that undoes it in order.
 * {@code EndpointResolver} resolves host-name endpoints at start, {@code EndpointRefresher} again while the gateway
 * runs (lookups off the loop, answers applied on it).
 */
package io.wgate.server.gateway;
