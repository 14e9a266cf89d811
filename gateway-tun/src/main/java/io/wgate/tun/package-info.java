/**
 * Linux TUN devices as a Netty 4.2 transport.
 *
 * <p>Where this sits in the data flow: {@link io.wgate.tun.TunDevice} opens {@code /dev/net/tun} through the FFM
 * API; a {@link io.wgate.tun.TunChannel} registers each queue's file descriptor on an epoll {@code IoEventLoop}
 * (the same loop as the UDP socket) and fires one {@code ByteBuf} per IP packet into its pipeline, which hands it
 * to the engine ({@code Engine.onTunnelPacket}). Packets the engine decrypts come back as
 * {@code tunChannel.write(ByteBuf)}. Read buffers reserve headroom and tailroom so the engine can frame and seal
 * in place.
 *
 * <p>With {@link io.wgate.tun.TunOptions#vnetHeader()} (an experiment, off by default) the queues carry a
 * virtio_net_hdr and the kernel may hand over partial checksums and TCP GSO super-packets of up to 64 KiB;
 * {@link io.wgate.tun.GsoSplitter} turns each read back into ordinary packets before the pipeline sees them, so
 * nothing downstream changes. Writes stay one packet each, behind an all-zero header.
 */
package io.wgate.tun;
