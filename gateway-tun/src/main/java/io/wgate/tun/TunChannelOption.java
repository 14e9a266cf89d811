package io.wgate.tun;

import io.netty.channel.ChannelOption;

/**
 * {@link ChannelOption}s of a {@link TunChannel}, for {@code Bootstrap.option(...)} or
 * {@code channel.config().setOption(...)}. See {@link TunChannelConfig} for meanings, defaults and ranges.
 */
public final class TunChannelOption {
    /** Largest IP packet expected from the interface, in bytes; sizes read buffers. */
    public static final ChannelOption<Integer> MTU = ChannelOption.valueOf(TunChannelOption.class, "MTU");
    /** Bytes reserved in front of each packet read, for in-place framing. */
    public static final ChannelOption<Integer> HEADROOM = ChannelOption.valueOf(TunChannelOption.class, "HEADROOM");
    /** Writable bytes left behind each packet read, for padding and the AEAD tag. */
    public static final ChannelOption<Integer> TAILROOM = ChannelOption.valueOf(TunChannelOption.class, "TAILROOM");
    /** Packets read per EPOLLIN before yielding to the other channels of the loop. */
    public static final ChannelOption<Integer> MAX_PACKETS_PER_READ =
            ChannelOption.valueOf(TunChannelOption.class, "MAX_PACKETS_PER_READ");

    private TunChannelOption() {
    }
}
