/**
 * The sans-IO WireGuard engine. {@link io.wgate.core.Engine} takes three inputs (a datagram from
 * the network, an IP packet from the tunnel, a timer tick) and writes datagrams and tunnel packets to
 * an {@link io.wgate.core.Outbox}. No sockets, threads, clocks or global randomness live here: time
 * is a {@code long nowNanos} argument and entropy and wall-clock time are injected, so every
 * behaviour is testable with two engines wired back to back and a hand-driven clock.
 */
package io.wgate.core;
