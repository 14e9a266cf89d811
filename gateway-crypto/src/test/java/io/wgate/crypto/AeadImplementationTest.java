package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Start-up selection: option parsing, the fallback rule and the single INFO line. */
class AeadImplementationTest {
    // System.Logger is backed by java.util.logging here; keep a strong reference while capturing.
    private final Logger julLogger = Logger.getLogger(AeadImplementation.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void stopCapture() {
        julLogger.removeHandler(capture);
    }

    @Test
    void autoPicksOpenSslWhenAvailableAndLogsOneInfoLine() {
        OpenSslRequirement.require();
        assertSame(AeadImplementation.OPENSSL, AeadImplementation.select("auto"));
        assertEquals(1, records.size());
        assertEquals(Level.INFO, records.getFirst().getLevel());
        String line = MessageFormat.format(records.getFirst().getMessage(), records.getFirst().getParameters());
        assertEquals("ChaCha20-Poly1305 implementation: " + LibCrypto.VERSION
                + " libcrypto (FFM) (option auto, OpenSSL available)", line);
    }

    @Test
    void autoFallsBackToTheJdkOnlyWhenOpenSslIsUnavailable() {
        AeadImplementation expected = AeadImplementation.OPENSSL.isAvailable()
                ? AeadImplementation.OPENSSL : AeadImplementation.JDK;
        assertSame(expected, AeadImplementation.select("auto"));
        String line = MessageFormat.format(records.getFirst().getMessage(), records.getFirst().getParameters());
        if (expected == AeadImplementation.JDK) {
            assertTrue(line.contains("falling back to the JDK because OpenSSL is unavailable: "
                    + AeadImplementation.OPENSSL.unavailableReason()), line);
        }
    }

    @Test
    void explicitOptionsAreHonouredIgnoringCaseAndBlanks() {
        assertSame(AeadImplementation.JDK, AeadImplementation.select("jdk"));
        assertSame(AeadImplementation.JDK, AeadImplementation.select(" JDK "));
        String line = MessageFormat.format(records.getFirst().getMessage(), records.getFirst().getParameters());
        assertTrue(line.startsWith("ChaCha20-Poly1305 implementation: JDK "), line);
        assertTrue(line.endsWith("(option jdk)"), line);
        OpenSslRequirement.require();
        assertSame(AeadImplementation.OPENSSL, AeadImplementation.select("OpenSSL"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bouncycastle", "open ssl", "auto,jdk"})
    void rejectsUnknownOptionsNamingTheValidValues(String option) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AeadImplementation.select(option));
        assertEquals("unknown ChaCha20-Poly1305 implementation '" + option + "': valid values are auto, openssl, jdk",
                e.getMessage());
        assertTrue(records.isEmpty());
    }

    @Test
    void rejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AeadImplementation.select(null));
        assertTrue(e.getMessage().contains("valid values are auto, openssl, jdk"), e.getMessage());
    }

    @Test
    void newInstanceGivesIndependentInstances() {
        try (ChaCha20Poly1305 a = AeadImplementation.JDK.newInstance();
             ChaCha20Poly1305 b = AeadImplementation.JDK.newInstance()) {
            assertTrue(a != b);
        }
    }
}
