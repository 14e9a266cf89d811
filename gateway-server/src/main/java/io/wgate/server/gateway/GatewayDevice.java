package io.wgate.server.gateway;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import io.wgate.server.uapi.UapiDevice;
import java.net.BindException;
import java.net.SocketException;

/** The running {@link Gateway} as the UAPI sees it; every call arrives on the engine's event loop. */
final class GatewayDevice implements UapiDevice {

    private final Gateway gateway;

    GatewayDevice(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Engine engine() {
        return gateway.engine();
    }

    @Override
    public int listenPort() {
        return gateway.listenPort();
    }

    @Override
    public void setListenPort(int port) throws BindException {
        gateway.rebind(port);
    }

    @Override
    public int fwmark() {
        return (int) gateway.fwMark();
    }

    @Override
    public void setFwmark(int mark) throws SocketException {
        try {
            gateway.setFwMark(Integer.toUnsignedLong(mark));
        } catch (RuntimeException e) {
            SocketException failure = new SocketException("cannot set SO_MARK " + Integer.toUnsignedString(mark)
                    + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public void onConfigurationApplied() {
        gateway.tickNow();
    }

    @Override
    public void onEndpointSet(Peer peer) {
        gateway.endpointSetByUapi(peer);
    }
}
