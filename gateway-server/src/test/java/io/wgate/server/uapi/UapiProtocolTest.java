package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgKey;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class UapiProtocolTest {

    private final UapiProtocol protocol = new UapiProtocol(1 << 20);

    private UapiProtocol.Step feed(String... lines) {
        UapiProtocol.Step step = null;
        for (int i = 0; i < lines.length; i++) {
            step = protocol.onLine(lines[i]);
            if (i < lines.length - 1) {
                assertInstanceOf(UapiProtocol.NeedMore.class, step, "after line " + (i + 1));
            }
        }
        return step;
    }

    @Test
    void framesAGet() {
        UapiProtocol.Run run = assertInstanceOf(UapiProtocol.Run.class, feed("get=1", ""));
        assertInstanceOf(UapiRequest.Get.class, run.request());
        assertFalse(protocol.inRequest());
    }

    @Test
    void framesASetUpToTheBlankLine() {
        UapiProtocol.Step step = feed("set=1", "listen_port=7");
        assertTrue(protocol.inRequest());
        assertInstanceOf(UapiProtocol.NeedMore.class, step);
        UapiProtocol.Run run = assertInstanceOf(UapiProtocol.Run.class, protocol.onLine(""));
        UapiRequest.Set set = assertInstanceOf(UapiRequest.Set.class, run.request());
        assertEquals(OptionalInt.of(7), set.device().listenPort());
    }

    @Test
    void servesSeveralRequestsInTurn() {
        assertInstanceOf(UapiProtocol.Run.class, feed("set=1", "fwmark=1", ""));
        assertInstanceOf(UapiProtocol.Run.class, feed("get=1", ""));
        assertInstanceOf(UapiProtocol.Run.class, feed("set=1", ""));
    }

    @Test
    void readsABadSetToItsEndThenFailsWithTheFirstError() {
        assertInstanceOf(UapiProtocol.NeedMore.class, feed("set=1", "bogus", "listen_port=99999999", "more"));
        UapiProtocol.Fail fail = assertInstanceOf(UapiProtocol.Fail.class, protocol.onLine(""));
        assertEquals(UapiException.EPROTO, fail.error().errno());
        assertTrue(fail.error().getMessage().startsWith("line 2: "), fail.error().getMessage());
        assertInstanceOf(UapiProtocol.Run.class, feed("get=1", ""), "the connection stays in step");
    }

    @Test
    void closesSilentlyOnAnUnknownOperation() {
        UapiProtocol.Close close = assertInstanceOf(UapiProtocol.Close.class, feed("set=2"));
        assertNull(close.error(), "wireguard-go answers nothing");
        assertInstanceOf(UapiProtocol.Close.class, new UapiProtocol(1024).onLine(""));
    }

    @Test
    void getFollowedByDataIsInvalid() {
        UapiProtocol.Close close = assertInstanceOf(UapiProtocol.Close.class, feed("get=1", "x=y"));
        assertEquals(UapiException.EINVAL, close.error().errno());
    }

    @Test
    void refusesARequestLargerThanTheLimit() {
        UapiProtocol small = new UapiProtocol(100);
        assertInstanceOf(UapiProtocol.NeedMore.class, small.onLine("set=1"));
        UapiProtocol.Step step = new UapiProtocol.NeedMore();
        for (int i = 0; i < 20 && step instanceof UapiProtocol.NeedMore; i++) {
            step = small.onLine("fwmark=1");
        }
        UapiProtocol.Close close = assertInstanceOf(UapiProtocol.Close.class, step);
        assertEquals(UapiException.EIO, close.error().errno());
    }

    @Test
    void theLimitAppliesPerRequest() {
        UapiProtocol small = new UapiProtocol(100);
        for (int i = 0; i < 50; i++) {
            assertInstanceOf(UapiProtocol.NeedMore.class, small.onLine("set=1"));
            assertInstanceOf(UapiProtocol.NeedMore.class, small.onLine("fwmark=1"));
            assertInstanceOf(UapiProtocol.Run.class, small.onLine(""));
        }
    }

    @Test
    void aTooLongLineClosesWithEio() {
        feed("set=1");
        assertEquals(UapiException.EIO, protocol.onLineTooLong(4096).error().errno());
        assertFalse(protocol.inRequest());
    }

    // ---------------------------------------------------------------- no key material in the log

    private static final String PRIV = TestEngines.privateHex(1);
    private static final KeyMaterialSearch SEARCH = KeyMaterialSearch.of("private key",
            WgKey.of(TestEngines.privateKey(1)));

    @Test
    void aStrayBlankLineBeforeAPrivateKeyClosesWithoutEchoingTheKey() {
        assertInstanceOf(UapiProtocol.Run.class, feed("set=1", ""), "the blank line ends an empty set");
        UapiProtocol.Close close = assertInstanceOf(UapiProtocol.Close.class, protocol.onLine("private_key=" + PRIV));
        assertEquals("line 1: unknown operation 'private_key' (want get=1 or set=1)", close.reason());
    }

    @Test
    void badOperationLinesAreDescribedWithoutTheirValue() {
        assertEquals("line 1: unsupported version of operation 'set' (want get=1 or set=1)",
                assertInstanceOf(UapiProtocol.Close.class, new UapiProtocol(1024).onLine("set=" + PRIV)).reason());
        assertEquals("line 1: not an operation (no '=' in 64 characters) (want get=1 or set=1)",
                assertInstanceOf(UapiProtocol.Close.class, new UapiProtocol(1024).onLine(PRIV)).reason());
        assertEquals("line 1: unknown operation (64 characters, not shown) (want get=1 or set=1)",
                assertInstanceOf(UapiProtocol.Close.class, new UapiProtocol(1024).onLine(PRIV + "=1")).reason());
        assertEquals("line 1: unknown operation 'preshared_key' (want get=1 or set=1)",
                assertInstanceOf(UapiProtocol.Close.class, new UapiProtocol(1024).onLine("preshared_key=" + PRIV))
                        .reason());
    }

    @Test
    void aFailedSetNeverEchoesTheValueOfItsFirstBadLine() {
        UapiProtocol.Fail fail = assertInstanceOf(UapiProtocol.Fail.class,
                feed("set=1", "listen_port=" + PRIV, "private_key=" + PRIV, ""));
        assertEquals("line 2: listen_port: not a decimal number (64 characters)",
                fail.error().getMessage());
        assertTrue(SEARCH.isClean(fail.error().getMessage()));
    }
}
