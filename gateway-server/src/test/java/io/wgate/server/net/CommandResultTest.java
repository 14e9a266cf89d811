package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandResultTest {

    @Test
    void displaysACommandAsAShellWouldQuoteIt() {
        assertEquals("ip -4 route add 10.0.0.0/8 dev wg0", CommandResult.display(
                List.of("ip", "-4", "route", "add", "10.0.0.0/8", "dev", "wg0")));
        assertEquals("bash -c 'echo '\\''bye'\\'''", CommandResult.display(List.of("bash", "-c", "echo 'bye'")));
    }

    @Test
    void hidesAKeyPastedIntoAHook() {
        String hex = "a862cd0284fb13eba992f9a8ea6e0f76babed3c9e7e23614454aa1968229467f";
        assertEquals("bash -c 'wg set wg0 private-key <(echo (key material hidden))'", CommandResult.display(
                List.of("bash", "-c", "wg set wg0 private-key <(echo qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=)")));
        assertEquals("bash -c 'echo (key material hidden) > /dev/null'",
                CommandResult.display(List.of("bash", "-c", "echo " + hex + " > /dev/null")));
    }
}
