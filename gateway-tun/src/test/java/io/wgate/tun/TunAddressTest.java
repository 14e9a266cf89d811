package io.wgate.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TunAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"wg0", "a", "tun-site_B.1", "x=y+z", "ABCDEFGHIJKLMNO"})
    void acceptsValidNames(String name) {
        assertEquals(name, new TunAddress(name).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ABCDEFGHIJKLMNOP", ".", "..", "wg 0", "wg/0", "wg:0", "wg%d", "wgé", "wg\n0"})
    void rejectsInvalidNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> new TunAddress(name));
    }

    @Test
    void explainsWhatIsWrongWithAName() {
        var tooLong = assertThrows(IllegalArgumentException.class, () -> TunAddress.checkName("0123456789abcdef"));
        assertTrue(tooLong.getMessage().contains("16 characters"), tooLong.getMessage());
        var badChar = assertThrows(IllegalArgumentException.class, () -> TunAddress.checkName("wg/0"));
        assertTrue(badChar.getMessage().contains("'/' at index 2"), badChar.getMessage());
        var nul = assertThrows(IllegalArgumentException.class, () -> TunAddress.checkName(null));
        assertTrue(nul.getMessage().contains("null"), nul.getMessage());
    }

    @Test
    void comparesByName() {
        assertEquals(new TunAddress("wg0"), new TunAddress("wg0"));
        assertEquals(new TunAddress("wg0").hashCode(), new TunAddress("wg0").hashCode());
        assertNotEquals(new TunAddress("wg0"), new TunAddress("wg1"));
        assertEquals("tun:wg0", new TunAddress("wg0").toString());
    }
}
