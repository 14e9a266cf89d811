package io.wgate.tun;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one-thread epoll loop a channel test class serves its {@link TunChannel}s on. Registered as a static
 * {@code @RegisterExtension} field, it starts before the class's first test and shuts down after its last;
 * {@link #close(TunChannel)} is the tests' teardown for a channel, registered or not.
 */
final class TunChannelLoop implements BeforeAllCallback, AfterAllCallback {

    private MultiThreadIoEventLoopGroup group;

    @Override
    public void beforeAll(ExtensionContext context) {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    /** Registers {@code channel} on the loop and waits until it is. */
    void register(TunChannel channel) throws InterruptedException {
        group.register(channel).sync();
    }

    /** Closes {@code channel} on its loop and waits, or forcibly when it never got a loop to close it on. */
    static void close(TunChannel channel) {
        if (channel.isRegistered()) {
            channel.close().syncUninterruptibly();
        } else {
            channel.unsafe().closeForcibly();
        }
    }
}
