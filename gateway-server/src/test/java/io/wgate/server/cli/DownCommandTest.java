package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DownCommandTest {

    @Test
    void nameFromInterfaceNameOrConfigPath() {
        assertEquals("wg0", DownCommand.nameOf("wg0"));
        assertEquals("main-office", DownCommand.nameOf("/etc/wireguard/main-office.conf"));
        assertEquals("site.b", DownCommand.nameOf("site.b"));
    }
}
