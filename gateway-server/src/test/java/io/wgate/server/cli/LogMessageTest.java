package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogMessageTest {

    @Test
    void plainArgumentsAndQuotesAsMessageFormatWritesThem() {
        assertEquals("wg0: up, UDP port 51820", LogMessage.format("{0}: up, UDP port {1}", new Object[] {"wg0", 51820}));
        assertEquals("wgate's log: {0} stays", LogMessage.format("wgate''s log: '{0}' stays", new Object[] {"x"}));
        assertEquals("null and {2}", LogMessage.format("{0} and {2}", new Object[] {null}));
        assertEquals("p11", LogMessage.format("p{11}", new Object[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
        assertEquals("port 51820, MTU 1420 (x)", LogMessage.format("port {0,number,#}, MTU {1,number,#} ({2})",
                new Object[] {51820, 1420L, "x"}));
    }

    @Test
    void otherFormsAreLeftToMessageFormat() {
        assertNull(LogMessage.format("{0,number,#} bytes", new Object[] {1.5}));
        assertNull(LogMessage.format("{0,number} bytes", new Object[] {1}));
        assertNull(LogMessage.format("open { brace", new Object[] {1}));
        LogRecord r = new LogRecord(Level.INFO, "{0,number,#} bytes to {1}");
        r.setParameters(new Object[] {1234567.0, "peer"});
        r.setLoggerName("io.wgate.server.gateway.Gateway");
        assertEquals("INFO Gateway: 1234567 bytes to peer", Logging.line(r).substring(25).strip());
    }

    @Test
    void theLogLineShowsNumbersUnformatted() {
        LogRecord r = new LogRecord(Level.WARNING, "{0}: {1} handshakes, wgate''s");
        r.setParameters(new Object[] {"wg0", 12345});
        r.setLoggerName("io.wgate.server.gateway.Gateway");
        assertEquals("WARNING Gateway: wg0: 12345 handshakes, wgate's", Logging.line(r).substring(25).strip());
        LogRecord noArguments = new LogRecord(Level.INFO, "it's as it is");
        noArguments.setParameters(new Object[] {1});
        assertTrue(Logging.line(noArguments).endsWith(" INFO : it's as it is\n"), Logging.line(noArguments));
    }
}
