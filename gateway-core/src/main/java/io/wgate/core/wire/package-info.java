/**
 * Wire formats: allocation-free flyweights over Netty {@code ByteBuf}s for the four WireGuard messages and the inner
 * IP header. First stop of every datagram ({@code Engine.onDatagram} classifies it with {@link
 * io.wgate.core.wire.MessageType#of}) and last stop before the UDP socket; also where the tunnel side reads the inner
 * packet's version, length and addresses. Offsets and byte diagrams follow whitepaper §5.4.2-5.4.7 and the kernel's
 * {@code messages.h}.
 */
package io.wgate.core.wire;
