package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceNameTest {

    @Test
    void anInterfaceNameOrItsConfigFile() {
        assertEquals("wg0", InterfaceName.of("wg0"));
        assertEquals("main-office", InterfaceName.of("/etc/wireguard/main-office.conf"));
        assertEquals("site.b", InterfaceName.of("site.b"));
        assertEquals("wg0", InterfaceName.of("conf/wg0/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", ".conf", "/etc/wireguard/much-too-long-a-name.conf", "a b", "wg0\u0000"})
    void anythingElseIsAClearError(String argument) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterfaceName.of(argument));
        assertEquals("'" + argument + "' is not an interface name (1-15 characters from a-z A-Z 0-9 _ = + . -) or"
                + " the path of its NAME.conf file", e.getMessage());
    }
}
