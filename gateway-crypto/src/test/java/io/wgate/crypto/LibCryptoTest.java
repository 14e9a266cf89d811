package io.wgate.crypto;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The binding step behind {@link AeadImplementation#unavailableReason()}. */
class LibCryptoTest {
    @Test
    void missingLibraryIsNamedInTheReason() {
        LibCrypto.LinkFailure e = assertThrows(LibCrypto.LinkFailure.class,
                () -> LibCrypto.bind("libwgate-no-such-crypto.so.9"));
        assertTrue(e.getMessage().startsWith("cannot load libwgate-no-such-crypto.so.9"), e.getMessage());
    }

    @Test
    void missingSymbolIsNamedInTheReason() {
        // libc is present everywhere but exports none of the OpenSSL symbols.
        LibCrypto.LinkFailure e = assertThrows(LibCrypto.LinkFailure.class, () -> LibCrypto.bind("libc.so.6"));
        assertTrue(e.getMessage().equals("symbol OpenSSL_version not found in libc.so.6"), e.getMessage());
    }

    @Test
    void bindsTheInstalledLibcrypto() throws Exception {
        OpenSslRequirement.require();
        assertNull(LibCrypto.LOAD_FAILURE);
        assertNotNull(LibCrypto.bind(LibCrypto.LIBRARY));
        assertTrue(LibCrypto.VERSION.startsWith("OpenSSL 3."), LibCrypto.VERSION);
    }

    @Test
    void emptyErrorQueueDrainsToEmptyText() {
        OpenSslRequirement.require();
        assertTrue(LibCrypto.drainErrors().isEmpty());
    }
}
