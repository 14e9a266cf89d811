package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OffloadsTest {

    @Test
    void everythingIsOnUnlessNamed() {
        assertEquals(Offloads.ALL, Offloads.disabling(null));
        assertEquals(Offloads.ALL, Offloads.disabling(" "));
        assertEquals(Offloads.ALL, Offloads.disabling("none"));
        assertEquals("none", Offloads.ALL.disabledNames());
    }

    @Test
    void eachNameSwitchesOffItsOwnOffload() {
        assertEquals(new Offloads(false, false, false, true, true), Offloads.disabling("tun"));
        assertEquals(new Offloads(true, false, true, true, true), Offloads.disabling("tun-uso"));
        assertEquals(new Offloads(true, true, false, true, true), Offloads.disabling("tun-gro"));
        assertEquals(new Offloads(true, true, true, false, true), Offloads.disabling("udp-gso"));
        assertEquals(new Offloads(true, true, true, true, false), Offloads.disabling("udp-gro"));
        assertEquals(new Offloads(false, false, false, false, false), Offloads.disabling("all"));
    }

    @Test
    void listsAreCommaOrSpaceSeparatedCaseInsensitiveAndAddUp() {
        Offloads offloads = Offloads.disabling("UDP-GSO, tun-gro udp-gro");
        assertEquals(new Offloads(true, true, false, false, false), offloads);
        assertEquals("tun-gro,udp-gso,udp-gro", offloads.disabledNames());
        assertEquals(new Offloads(false, false, false, false, false), offloads.without("tun"));
        assertEquals("tun,udp-gso,udp-gro", offloads.without("tun").disabledNames());
    }

    @Test
    void anUnknownNameIsRefusedWithTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Offloads.disabling("gso"));
        assertTrue(e.getMessage().contains("unknown offload 'gso'"), e.getMessage());
        assertTrue(e.getMessage().contains("tun, tun-uso, tun-gro, udp-gso, udp-gro, all or none"), e.getMessage());
    }
}
