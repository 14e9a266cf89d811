package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** I/O failures are counted one by one but logged once per burst and at most once a minute. */
class IoErrorsTest {

    private static final long SECOND = 1_000_000_000L;

    private final Logger logger = Logger.getLogger(IoErrors.class.getName());
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new java.util.logging.SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void aFloodOfSendFailuresIsCountedButLoggedOnceAMinute() {
        IoErrors errors = new IoErrors();
        IOException cause = new IOException("sendmmsg failed", new NoRouteToHostException("Network is unreachable"));
        for (int i = 0; i < 500; i++) {
            errors.udpSendFailed(cause, i * 10_000_000L); // 500 failures over 5 s
        }
        assertEquals(500, errors.udpSendFailures());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("cannot send a datagram: Network is unreachable"), lines.get(0));

        errors.udpSendFailed(cause, 61 * SECOND);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("500 more times in the last minute"), lines.get(1));
    }

    @Test
    void tunAndUdpFailuresAreSeparate() {
        IoErrors errors = new IoErrors();
        errors.tunWriteFailed(new IOException("write failed: EIO"), 0);
        errors.udpSendFailed(new IOException("no route"), 0);
        assertEquals(1, errors.tunWriteFailures());
        assertEquals(1, errors.udpSendFailures());
        assertEquals(2, lines.size(), "each kind logs its own first failure");
    }
}
