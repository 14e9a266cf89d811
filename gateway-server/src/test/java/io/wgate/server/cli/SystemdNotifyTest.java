package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SystemdNotify} against real {@code AF_UNIX} datagram sockets ({@link NotifyReceiver}), as systemd binds them. */
class SystemdNotifyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void readyReachesASocketPath() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
            SystemdNotify.to(systemd.name()).ready("up, UDP port 51820");

            assertEquals("READY=1\nSTATUS=up, UDP port 51820", systemd.next(WAIT, "READY=1"));
        }
    }

    @Test
    void anAtSignNamesAnAbstractSocket() throws Exception {
        String name = "@wgate-test-notify-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (NotifyReceiver systemd = NotifyReceiver.bind(name)) {
            SystemdNotify.to(name).stopping("stopping");

            assertEquals("STOPPING=1\nSTATUS=stopping", systemd.next(WAIT, "STOPPING=1"));
        }
    }

    @Test
    void reloadingCarriesTheMonotonicClockInMicroseconds() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
            long before = System.nanoTime() / 1_000; // HotSpot's nanoTime is CLOCK_MONOTONIC on Linux
            SystemdNotify.to(systemd.name()).reloading();
            long after = System.nanoTime() / 1_000;

            String message = systemd.next(WAIT, "RELOADING=1");
            Matcher m = Pattern.compile("RELOADING=1\nMONOTONIC_USEC=(\\d+)\nSTATUS=reloading").matcher(message);
            assertTrue(m.matches(), message);
            long micros = Long.parseLong(m.group(1));
            assertTrue(before <= micros && micros <= after, before + " <= " + micros + " <= " + after);
        }
    }

    @Test
    void aStatusOfSeveralLinesStaysOneField() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.bind(tmp.resolve("notify").toString())) {
            SystemdNotify.to(systemd.name()).ready("reloaded:\nadded peer x");

            assertEquals("READY=1\nSTATUS=reloaded: added peer x", systemd.next(WAIT, "READY=1"));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        assertFalse(SystemdNotify.to(null).enabled());
        assertFalse(SystemdNotify.to("").enabled());
        SystemdNotify.to(null).ready("up"); // no socket, no error
        SystemdNotify.to("").reloading();
    }

    @Test
    void aSocketNobodyListensOnIsReportedBySendAndOnlyLoggedByTheNotifications() {
        SystemdNotify nobody = SystemdNotify.to(tmp.resolve("absent").toString());

        IOException e = assertThrows(IOException.class, () -> nobody.send("READY=1"));

        assertEquals("NOTIFY_SOCKET=" + tmp.resolve("absent") + ": ENOENT (no such socket)", e.getMessage());
        nobody.ready("up"); // logged, not thrown: the gateway serves all the same
    }

    @Test
    void malformedOrOverlongNamesAreRejectedWithTheVariable() {
        IOException relative = assertThrows(IOException.class, () -> SystemdNotify.sunPath("run/notify"));
        assertEquals("NOTIFY_SOCKET=run/notify: neither a socket path ('/...') nor an abstract socket name ('@...')",
                relative.getMessage());
        assertThrows(IOException.class, () -> SystemdNotify.sunPath("@"));
        assertThrows(IOException.class, () -> SystemdNotify.sunPath("vsock:2:1234"));
        String longest = "/" + "a".repeat(SystemdNotify.SUN_PATH_SIZE - 2);
        assertEquals(SystemdNotify.SUN_PATH_SIZE, assertDoesNotThrow(() -> SystemdNotify.sunPath(longest)).length);
        IOException tooLong = assertThrows(IOException.class, () -> SystemdNotify.sunPath(longest + "a"));
        assertTrue(tooLong.getMessage().endsWith("longer than an AF_UNIX address can be (107 bytes)"),
                tooLong.getMessage());
    }

    @Test
    void theAddressBytesFollowTheKernelsTwoForms() throws Exception {
        assertEquals("2f7200", HexFormat.of().formatHex(SystemdNotify.sunPath("/r")), "a path ends with NUL");
        assertEquals("0061", HexFormat.of().formatHex(SystemdNotify.sunPath("@a")), "an abstract name starts with NUL");
    }
}
