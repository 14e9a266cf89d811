package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShowCommandTest {

    private static final String INTERFACE = "interface: wg0\n  public key: AAAA\n  listening port: 51820\n";
    private static final String PEER = "peer: BBBB\n  endpoint: 192.0.2.1:51820\n";

    @Test
    void theOffloadsGoAtTheEndOfTheInterfaceSection() {
        assertEquals(INTERFACE + "  offloads: tun: tso; udp: gso gro\n\n" + PEER,
                ShowCommand.withOffloads(INTERFACE + "\n" + PEER, "tun: tso; udp: gso gro"));
        assertEquals(INTERFACE + "  offloads: tun: none; udp: none\n",
                ShowCommand.withOffloads(INTERFACE, "tun: none; udp: none"));
    }

    @Test
    void anInterfaceWithoutRecordedOffloadsIsShownAsWgShowsIt() {
        assertEquals(INTERFACE + "\n" + PEER, ShowCommand.withOffloads(INTERFACE + "\n" + PEER, null));
    }
}
