package io.wgate.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.Errors.NativeIoException;
import java.lang.System.Logger.Level;

/**
 * Last handler of the UDP pipeline: a send that failed (the outbox writes with void promises, so
 * failures arrive here as exceptions) is counted and logged through {@link IoErrors} instead of
 * Netty's per-event warning. The TUN pipeline's {@link EncryptHandler} does the same for TUN writes.
 *
 * <p>A failure that means the kernel cannot do UDP GSO on this path switches GSO off, once, with one log line, as
 * wireguard-go does ({@code conn/errors_linux.go}): {@code EIO} (an egress device without checksum offload, before
 * Linux 6.11), {@code EMSGSIZE} or {@code EINVAL} (a segment larger than the path MTU allows, or more segments than
 * the kernel takes). The datagrams of that send are lost; later ones go one by one.
 */
final class UdpErrorHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(UdpErrorHandler.class.getName());
    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int EMSGSIZE = 90;

    private final EngineDriver driver;

    UdpErrorHandler(EngineDriver driver) {
        this.driver = driver;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (OutOfMemory.check(cause, "the UDP pipeline")) {
            return;
        }
        NettyOutbox outbox = driver.outbox();
        if (outbox == null) {
            return;
        }
        outbox.ioErrors().udpSendFailed(cause, driver.nowNanos());
        if (outbox.gso() && refusesGso(cause)) {
            outbox.disableGso();
            LOG.log(Level.WARNING, "UDP GSO switched off: the kernel refused a segmented send ({0}); the egress"
                    + " device may lack checksum offload or the path MTU is below the segment size. Datagrams go"
                    + " one by one from now on", cause.getMessage());
        }
    }

    /** Whether {@code cause} is an errno a segmented send gets when GSO cannot work on the path. */
    static boolean refusesGso(Throwable cause) {
        if (!(cause instanceof NativeIoException e)) {
            return false;
        }
        int errno = -e.expectedErr();
        return errno == EIO || errno == EINVAL || errno == EMSGSIZE;
    }
}
