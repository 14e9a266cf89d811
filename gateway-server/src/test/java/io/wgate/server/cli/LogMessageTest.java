package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** {@link LogMessage} against its naive twin, {@link MessageFormat}, and the forms it leaves to it. */
class LogMessageTest {

    /**
     * Random patterns of text, quotes, quoted braces, {@code {N}} and {@code {N,number,#}}, with strings and numbers
     * below 1000 (where MessageFormat does not group): the same text as MessageFormat's.
     */
    @Test
    void randomPlainPatternsMatchMessageFormat() {
        Random random = new Random(0x10_9e55a9eL);
        String[] pieces = {"wg0", ": ", " up", "''", "'{0}'", "'quoted {1} text'", "{0}", "{1}", "{2}", "{1,number,#}",
            "{2,number,#}", " peer(s)", "=", "\\"};
        for (int n = 0; n < 2_000; n++) {
            StringBuilder pattern = new StringBuilder();
            for (int k = random.nextInt(8); k >= 0; k--) {
                pattern.append(pieces[random.nextInt(pieces.length)]);
            }
            Object[] params = {"name" + random.nextInt(10), random.nextInt(1000), (long) random.nextInt(1000)};
            String expected = new MessageFormat(pattern.toString(), Locale.ROOT).format(params);
            assertEquals(expected, LogMessage.format(pattern.toString(), params), "pattern " + pattern);
        }
    }

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
        assertNull(LogMessage.format("{0} s", new Object[] {0.1234567}), "MessageFormat rounds it to 0.123");
        assertNull(LogMessage.format("at {0}", new Object[] {new java.util.Date(0)}));
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
