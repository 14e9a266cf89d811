package io.wgate.server.uapi;

import io.wgate.core.Engine;
import io.wgate.core.peer.Peer;
import java.net.BindException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link UapiDevice} without sockets: the listen port and fwmark are fields; ports in {@link #busyPorts}
 * fail to bind, and {@link #failFwmark} makes setting a mark fail. Port 0 picks the next "random" port
 * from 40000 up.
 */
class FakeDevice implements UapiDevice {

    private final Engine engine;
    final Set<Integer> busyPorts = new HashSet<>();
    boolean failFwmark;
    int listenPort;
    int fwmark;
    int nextRandomPort = 40000;
    int bindCalls;
    int fwmarkCalls;
    int appliedCalls;
    final List<Peer> endpointsSet = new ArrayList<>();

    FakeDevice(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public int listenPort() {
        return listenPort;
    }

    @Override
    public void setListenPort(int port) throws BindException {
        bindCalls++;
        if (busyPorts.contains(port)) {
            throw new BindException("Address already in use");
        }
        listenPort = port == 0 ? nextRandomPort++ : port;
    }

    @Override
    public int fwmark() {
        return fwmark;
    }

    @Override
    public void setFwmark(int mark) throws SocketException {
        fwmarkCalls++;
        if (failFwmark) {
            throw new SocketException("Operation not permitted");
        }
        fwmark = mark;
    }

    @Override
    public void onConfigurationApplied() {
        appliedCalls++;
    }

    @Override
    public void onEndpointSet(Peer peer) {
        endpointsSet.add(peer);
    }
}
