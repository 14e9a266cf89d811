package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayProcessTest {

    @Test
    void recognisesTheLauncherTheContainerAndTheBackgroundChild() {
        assertTrue(GatewayProcess.serves(List.of("/usr/lib/jvm/temurin-25/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-Dsun.net.inetaddr.negative.ttl=0", "-jar", "/opt/wgate/gateway-server/target/wgate.jar", "up",
                "/etc/wireguard/main-office.conf", "--foreground"), "main-office"));
        assertTrue(GatewayProcess.serves(List.of("java", "-jar", "/opt/wgate/wgate.jar", "up", "/etc/wireguard/wg0.conf",
                "--foreground"), "wg0"));
        assertTrue(GatewayProcess.serves(List.of("/usr/bin/java", "-Xmx64m", "-Dwgate.background-child=true", "-cp",
                "/opt/wgate/wgate.jar", "io.wgate.server.Main", "up", "/etc/wireguard/site.conf", "--foreground",
                "--transport", "io_uring", "--aead", "jdk"), "site"));
    }

    @Test
    void recognisesAUserspaceGateway() {
        assertTrue(GatewayProcess.serves(List.of("/usr/bin/java", "-Dwgate.background-child=true", "-cp",
                "/opt/wgate/wgate.jar", "io.wgate.server.Main", "userspace", "--foreground", "wg0"), "wg0"));
        assertTrue(GatewayProcess.serves(List.of("java", "-jar", "/opt/wgate/wgate.jar", "userspace", "-f", "wg0"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar", "userspace", "wg1"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar", "userspace", "--bogus", "wg0"), "wg0"));
    }

    @Test
    void rejectsOtherInterfacesCommandsAndPrograms() {
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar", "up", "/etc/wireguard/wg1.conf"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar", "down", "wg0"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "other.jar", "up", "wg0.conf"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("sleep", "60"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("vim", "io.wgate.server.Main", "up", "wg0.conf"), "wg1"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar", "up", "wg0.conf", "--bogus"), "wg0"));
        assertFalse(GatewayProcess.serves(List.of("java", "-jar", "wgate.jar"), "wg0"));
    }

    /** A long class path makes the JDK's ProcessHandle.Info drop the arguments; /proc has them all. */
    @Test
    void aCommandLineLongerThanAPageIsReadWhole() throws Exception {
        String classPath = "-Dclass.path=" + "/x".repeat(4000);
        Process process = new ProcessBuilder("bash", "-c", "sleep 60; true", classPath, "io.wgate.server.Main", "up",
                "/etc/wireguard/wgt-long0.conf", "--foreground").start();
        try {
            assertTrue(GatewayProcess.serves(process.toHandle(), "wgt-long0"));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aDeadProcessServesNothing() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        assertFalse(GatewayProcess.serves(exited.toHandle(), "wg0"));
    }
}
