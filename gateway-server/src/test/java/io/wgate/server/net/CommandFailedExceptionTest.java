package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandFailedExceptionTest {

    @Test
    void namesTheCommandTheStatusAndWhatItPrinted() {
        CommandFailedException e = new CommandFailedException(new CommandResult(
                List.of("ip", "-4", "route", "add", "10.0.0.0/8", "dev", "wg0"), 2, "", "RTNETLINK answers: File exists\n"));
        assertEquals("ip -4 route add 10.0.0.0/8 dev wg0 failed (exit 2): RTNETLINK answers: File exists", e.getMessage());
        assertEquals("RTNETLINK answers: File exists", e.reason());
    }

    @Test
    void hidesAKeyThatAHookPrinted() {
        CommandFailedException e = new CommandFailedException(new CommandResult(List.of("bash", "-c", "wg showconf wg0"),
                1, "PrivateKey = qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8=\nListenPort = 51820\n", ""));
        assertEquals("bash -c 'wg showconf wg0' failed (exit 1): PrivateKey = (key material hidden); ListenPort = 51820",
                e.getMessage());
        assertEquals("PrivateKey = (key material hidden); ListenPort = 51820", e.reason());
    }
}
