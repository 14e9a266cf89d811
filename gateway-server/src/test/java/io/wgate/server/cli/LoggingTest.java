package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class LoggingTest {

    @Test
    void wireguardGoLevelNames() {
        assertEquals(Level.INFO, Logging.parse(null));
        assertEquals(Level.OFF, Logging.parse("silent"));
        assertEquals(Level.SEVERE, Logging.parse("error"));
        assertEquals(Level.FINE, Logging.parse("verbose"));
        assertEquals(Level.FINE, Logging.parse("DEBUG"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Logging.parse("loud"));
        assertEquals("LOG_LEVEL must be silent, error, warning, info or verbose, not 'loud'", e.getMessage());
    }
}
