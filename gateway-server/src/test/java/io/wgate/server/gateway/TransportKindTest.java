package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TransportKindTest {

    @Test
    void parsesTheSpellingsOperatorsUse() {
        assertEquals(TransportKind.EPOLL, TransportKind.parse("epoll"));
        assertEquals(TransportKind.IO_URING, TransportKind.parse("io_uring"));
        assertEquals(TransportKind.IO_URING, TransportKind.parse("io-uring"));
        assertEquals(TransportKind.IO_URING, TransportKind.parse("IOURING"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportKind.parse("nio"));
        assertEquals("unknown transport 'nio': use epoll or io_uring", e.getMessage());
    }

    @Test
    void epollIsAvailableOnLinux() {
        TransportKind.EPOLL.ensureAvailable();
    }
}
