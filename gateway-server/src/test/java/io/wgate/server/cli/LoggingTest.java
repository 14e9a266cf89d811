package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
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

    @Test
    void aBackgroundUpShowsWarningsOnlyUnlessLogLevelAsksForMore() {
        Logger root = Logger.getLogger("");
        List<Handler> handlers = List.of(root.getHandlers());
        Level level = root.getLevel();
        try {
            Logging.configure(null, Level.WARNING);
            assertEquals(Level.WARNING, root.getLevel());
            assertEquals(Level.WARNING, root.getHandlers()[0].getLevel());
            Logging.configure(" ", Level.WARNING);
            assertEquals(Level.WARNING, root.getLevel());
            Logging.configure("info", Level.WARNING);
            assertEquals(Level.INFO, root.getLevel());
            Logging.configure(null);
            assertEquals(Level.INFO, root.getLevel());
        } finally {
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            handlers.forEach(root::addHandler);
            root.setLevel(level);
        }
        assertTrue(UpCommand.inBackground(List.of("site.conf", "--aead", "jdk")));
        assertFalse(UpCommand.inBackground(List.of("site.conf", "--foreground")));
        assertFalse(UpCommand.inBackground(List.of("-f", "site.conf")));
    }
}
