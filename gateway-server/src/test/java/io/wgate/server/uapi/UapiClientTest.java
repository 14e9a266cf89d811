package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link UapiClient} against a recording stand-in daemon in a temporary directory. */
@Timeout(30)
class UapiClientTest {

    private static final String IF = "wgt-cli0";

    @TempDir
    Path dir;

    @Test
    void sendsSetFramedAndReadsTheErrno() throws Exception {
        try (RecordingUapiDaemon daemon = new RecordingUapiDaemon(dir.resolve(IF + ".sock"), "");
             UapiClient client = UapiClient.connect(dir, IF)) {
            assertEquals(0, client.set("fwmark=1"));
            assertEquals(0, client.set("listen_port=2\n"));
            assertEquals(0, client.set(""));
            assertEquals(List.of("set=1\nfwmark=1\n\n", "set=1\nlisten_port=2\n\n", "set=1\n\n"), daemon.requests);
        }
    }

    @Test
    void refusesABodyThatWouldEndTheRequestEarly() throws Exception {
        try (RecordingUapiDaemon daemon = new RecordingUapiDaemon(dir.resolve(IF + ".sock"), "");
             UapiClient client = UapiClient.connect(dir, IF)) {
            assertThrows(IllegalArgumentException.class, () -> client.set("fwmark=1\n\nlisten_port=2\n"));
            assertThrows(IllegalArgumentException.class, () -> client.set("\n"));
            assertTrue(daemon.requests.isEmpty());
        }
    }

    @Test
    void getsAndParsesTheDevice() throws Exception {
        String answer = "private_key=" + TestEngines.privateHex(1) + "\nlisten_port=51820\npublic_key="
                + TestEngines.publicHex(2) + "\nallowed_ip=10.0.0.0/8\n";
        try (RecordingUapiDaemon daemon = new RecordingUapiDaemon(dir.resolve(IF + ".sock"), answer);
             UapiClient client = UapiClient.connect(dir, IF)) {
            DeviceStatus first = client.get();
            DeviceStatus second = client.get();
            assertEquals(first, second, "several requests on one connection");
            assertEquals(IF, first.interfaceName());
            assertEquals(TestEngines.publicWgKey(1), first.publicKey().orElseThrow());
            assertEquals(List.of("get=1\n\n", "get=1\n\n"), daemon.requests);
        }
    }

    @Test
    void saysWhichInterfaceItCannotReach() {
        IOException e = assertThrows(IOException.class, () -> UapiClient.connect(dir, IF));
        assertTrue(e.getMessage().startsWith("cannot reach interface " + IF + " at "), e.getMessage());
    }
}
