package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterfaceAddressTest {

    @Test
    void keepsHostBitsAndDefaultsToAHostPrefix() {
        InterfaceAddress a = InterfaceAddress.parse("172.16.1.1/24");
        assertEquals("172.16.1.1/24", a.toString());
        assertEquals(24, a.prefixLength());
        assertFalse(a.isIpv6());
        assertEquals("10.0.0.1/32", InterfaceAddress.parse("10.0.0.1").toString());
        assertEquals("fd00::1/128", InterfaceAddress.parse("fd00::1").toString());
        assertTrue(InterfaceAddress.parse("fd00::1/64").isIpv6());
        assertEquals("0.0.0.0/0", InterfaceAddress.parse("0.0.0.0/0").toString());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.0.0.1/-1"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.0.0.1/ 8"));
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("host/8"));
        assertThrows(IllegalArgumentException.class,
                () -> new InterfaceAddress(IpLiteral.parse("::1").orElseThrow(), 129));
    }
}
