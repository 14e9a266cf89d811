package io.wgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void tunnelMtuRangeIsIpv4MinimumToMaximum() {
        assertEquals(0, EngineConfig.requireValidMtu(0));
        assertEquals(68, EngineConfig.requireValidMtu(68));
        assertEquals(520, EngineConfig.requireValidMtu(520), "a small path MTU minus 80 is still a valid tunnel MTU");
        assertEquals(65535, EngineConfig.requireValidMtu(65535));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineConfig.requireValidMtu(67));
        assertEquals("MTU must be 0 or 68..65535, got 67", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EngineConfig.requireValidMtu(65536));
    }
}
