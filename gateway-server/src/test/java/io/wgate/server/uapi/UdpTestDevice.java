package io.wgate.server.uapi;

import io.wgate.core.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;

/**
 * A {@link UapiDevice} that really binds: a JDK UDP socket on the loopback address, rebound on every
 * port change, so a port held by another socket fails as it would in the gateway. The fwmark is only
 * remembered. Close it after use.
 */
final class UdpTestDevice implements UapiDevice, AutoCloseable {

    private final Engine engine;
    private DatagramChannel channel;
    private int fwmark;

    UdpTestDevice(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public int listenPort() {
        if (channel == null) {
            return 0;
        }
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void setListenPort(int port) throws BindException {
        DatagramChannel next = null;
        try {
            next = DatagramChannel.open(StandardProtocolFamily.INET);
            next.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            closeQuietly(next);
            throw e instanceof BindException b ? b : (BindException) new BindException(e.getMessage()).initCause(e);
        }
        closeQuietly(channel);
        channel = next;
    }

    @Override
    public int fwmark() {
        return fwmark;
    }

    @Override
    public void setFwmark(int mark) {
        fwmark = mark;
    }

    @Override
    public void close() {
        closeQuietly(channel);
        channel = null;
    }

    private static void closeQuietly(DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do in a test
            }
        }
    }
}
