package io.wgate.tun.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class RequiresRootTest {
    private static final List<String> MISSING = List.of("effective uid is 1000, not 0 (run as root)",
            "/dev/net/tun is missing (modprobe tun, or docker run --device /dev/net/tun)");

    @Test
    void runsTheTestWhenNothingIsMissing() {
        assertFalse(RequiresRoot.evaluate(List.of(), false).isDisabled());
        assertFalse(RequiresRoot.evaluate(List.of(), true).isDisabled());
        assertDoesNotThrow(() -> RequiresRoot.failInCi("t()", List.of(), true));
    }

    @Test
    void skipsWithAReasonNamingWhatIsMissingOutsideCi() {
        var result = RequiresRoot.evaluate(MISSING, false);
        assertTrue(result.isDisabled());
        assertEquals("needs root: effective uid is 1000, not 0 (run as root); /dev/net/tun is missing"
                + " (modprobe tun, or docker run --device /dev/net/tun)", result.getReason().orElseThrow());
        assertDoesNotThrow(() -> RequiresRoot.failInCi("t()", MISSING, false));
    }

    @Test
    void failsInCiNamingWhatIsMissing() {
        assertFalse(RequiresRoot.evaluate(MISSING, true).isDisabled(), "CI must run the test so it can fail");
        var e = assertThrows(AssertionFailedError.class, () -> RequiresRoot.failInCi("t()", MISSING, true));
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
        assertTrue(e.getMessage().contains("effective uid is 1000"), e.getMessage());
        assertTrue(e.getMessage().contains("/dev/net/tun is missing"), e.getMessage());
    }

    @Test
    void probesThisMachineWithoutThrowing() {
        assertDoesNotThrow(RequiresRoot::missingPrerequisites);
    }
}
