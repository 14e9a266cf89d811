package io.wgate.tun.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.RequiresRoot.Requirements;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

class RequiresRootTest {
    private static final List<String> MISSING = List.of("effective uid is 1000, not 0 (run as root)",
            "/dev/net/tun is missing (modprobe tun, or docker run --device /dev/net/tun)");
    private static final Requirements ROOT = new Requirements(true, true, List.of());
    private static final String WG_MISSING = "wg not found on PATH or in /usr/sbin, /sbin, /usr/bin, /bin"
            + " (install wireguard-tools: apt-get install wireguard-tools)";

    // Annotated stand-ins; nothing here runs as a test.

    @Privileged
    @RequiresCommands({"wg", "wireguard-go"})
    static class PrivilegedWithCommands {
        @RequiresCommands("iperf3")
        void moreCommands() {
        }

        void plain() {
        }
    }

    static class Unannotated {
        @RequiresCommands("wg")
        void crossCheck() {
        }

        @Privileged(network = false)
        void rootOnly() {
        }
    }

    @Privileged(network = false)
    static class RootOnly {
        @Privileged
        void needsTheNetworkToo() {
        }
    }

    static class SubclassOfPrivileged extends PrivilegedWithCommands {
    }

    /** A host as described, running as uid 1000 without capabilities when {@code root} is false. */
    private static RequiresRoot.Host host(boolean root, boolean network, String... installed) {
        return new RequiresRoot.Host() {
            @Override
            public List<String> missingRoot(boolean needNetwork) {
                List<String> missing = new ArrayList<>();
                if (!root) {
                    missing.add("effective uid is 1000, not 0 (run as root)");
                }
                if (needNetwork && !network) {
                    missing.add("CAP_NET_ADMIN is not effective (docker run --cap-add NET_ADMIN)");
                }
                return missing;
            }

            @Override
            public Optional<Path> find(String command) {
                return List.of(installed).contains(command) ? Optional.of(Path.of("/usr/bin", command))
                        : Optional.empty();
            }
        };
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        return type.getDeclaredMethod(name);
    }

    /** The ExtensionContext chain JUnit builds: engine, class, then method (if any). */
    private static ExtensionContext context(Class<?> type, Method method) {
        ExtensionContext engine = context(null, null, "engine");
        ExtensionContext forClass = context(engine, type, type.getSimpleName());
        return method == null ? forClass : context(forClass, method, method.getName() + "()");
    }

    private static ExtensionContext context(ExtensionContext parent, AnnotatedElement element, String name) {
        return (ExtensionContext) Proxy.newProxyInstance(RequiresRootTest.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getParent" -> Optional.ofNullable(parent);
                    case "getElement" -> Optional.ofNullable(element);
                    case "getDisplayName" -> name;
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void runsTheTestWhenNothingIsMissing() {
        assertFalse(RequiresRoot.evaluate(ROOT, List.of(), false).isDisabled());
        assertFalse(RequiresRoot.evaluate(ROOT, List.of(), true).isDisabled());
        assertDoesNotThrow(() -> RequiresRoot.failInCi("t()", ROOT, List.of(), true));
    }

    @Test
    void skipsWithAReasonNamingWhatIsMissingOutsideCi() {
        var result = RequiresRoot.evaluate(ROOT, MISSING, false);
        assertTrue(result.isDisabled());
        assertEquals("needs root: effective uid is 1000, not 0 (run as root); /dev/net/tun is missing"
                + " (modprobe tun, or docker run --device /dev/net/tun)", result.getReason().orElseThrow());
        assertDoesNotThrow(() -> RequiresRoot.failInCi("t()", ROOT, MISSING, false));
    }

    @Test
    void failsInCiNamingWhatIsMissing() {
        assertFalse(RequiresRoot.evaluate(ROOT, MISSING, true).isDisabled(), "CI must run the test so it can fail");
        var e = assertThrows(AssertionFailedError.class, () -> RequiresRoot.failInCi("t()", ROOT, MISSING, true));
        assertTrue(e.getMessage().startsWith("privileged test t() cannot run and CI=true: "), e.getMessage());
        assertTrue(e.getMessage().contains("effective uid is 1000"), e.getMessage());
        assertTrue(e.getMessage().contains("/dev/net/tun is missing"), e.getMessage());
    }

    @Test
    void collectsRootAndCommandsFromTheMethodItsClassAndEnclosingClasses() throws Exception {
        assertEquals(new Requirements(true, true, List.of("wg", "wireguard-go", "iperf3")),
                Requirements.of(List.of(PrivilegedWithCommands.class,
                        method(PrivilegedWithCommands.class, "moreCommands"))));
        assertEquals(List.of("wg", "wireguard-go", "iperf3"), Requirements.of(List.of(
                method(Unannotated.class, "crossCheck"), PrivilegedWithCommands.class,
                method(PrivilegedWithCommands.class, "moreCommands"))).commands(), "each command once, where first declared");
        assertEquals(new Requirements(true, true, List.of("wg", "wireguard-go")),
                Requirements.of(List.of(PrivilegedWithCommands.class, method(PrivilegedWithCommands.class, "plain"))));
        assertEquals(new Requirements(true, true, List.of("wg", "wireguard-go")),
                Requirements.of(List.of(SubclassOfPrivileged.class)), "inherited by subclasses");
    }

    @Test
    void commandsAloneRequireNoRoot() throws Exception {
        Requirements crossCheck = Requirements.of(List.of(Unannotated.class, method(Unannotated.class, "crossCheck")));
        assertEquals(new Requirements(false, false, List.of("wg")), crossCheck);
        assertEquals("wg", crossCheck.describe());
        RequiresRoot asUser = new RequiresRoot(host(false, false, "wg"), false);
        assertEquals(List.of(), asUser.missing(crossCheck), "uid 1000 is fine for a command-only test");
    }

    @Test
    void networkFalseRequiresOnlyUidZeroUnlessAnotherPrivilegedKeepsTheDefault() throws Exception {
        Requirements rootOnly = Requirements.of(List.of(Unannotated.class, method(Unannotated.class, "rootOnly")));
        assertEquals(new Requirements(true, false, List.of()), rootOnly);
        assertEquals(new Requirements(true, false, List.of()), Requirements.of(List.of(RootOnly.class)));
        assertEquals(new Requirements(true, true, List.of()),
                Requirements.of(List.of(RootOnly.class, method(RootOnly.class, "needsTheNetworkToo"))));
        RequiresRoot rootWithoutCapabilities = new RequiresRoot(host(true, false), false);
        assertEquals(List.of(), rootWithoutCapabilities.missing(rootOnly));
        assertEquals(List.of("CAP_NET_ADMIN is not effective (docker run --cap-add NET_ADMIN)"),
                rootWithoutCapabilities.missing(ROOT));
    }

    @Test
    void withoutAnyAnnotationItRequiresFullRootAsBefore() {
        assertEquals(ROOT, Requirements.of(List.of(Unannotated.class)));
        assertEquals(ROOT, Requirements.of(List.of()));
    }

    @Test
    void skipsACommandOnlyTestNamingTheCommandAndItsPackage() throws Exception {
        RequiresRoot gate = new RequiresRoot(host(false, false), false);
        ConditionEvaluationResult result = gate.evaluateExecutionCondition(
                context(Unannotated.class, method(Unannotated.class, "crossCheck")));
        assertTrue(result.isDisabled());
        assertEquals("needs wg: " + WG_MISSING, result.getReason().orElseThrow());
        assertDoesNotThrow(() -> gate.beforeEach(context(Unannotated.class, method(Unannotated.class, "crossCheck"))));
    }

    @Test
    void namesEveryMissingThingRootFirstThenCommandsInOrder() throws Exception {
        RequiresRoot gate = new RequiresRoot(host(false, true, "wireguard-go"), false);
        ConditionEvaluationResult result = gate.evaluateExecutionCondition(
                context(PrivilegedWithCommands.class, method(PrivilegedWithCommands.class, "moreCommands")));
        assertEquals("needs root, wg, wireguard-go and iperf3: effective uid is 1000, not 0 (run as root); "
                + WG_MISSING + "; iperf3 not found on PATH or in /usr/sbin, /sbin, /usr/bin, /bin"
                + " (install iperf3: apt-get install iperf3)", result.getReason().orElseThrow());
    }

    @Test
    void runsWhenEverythingIsThere() throws Exception {
        RequiresRoot gate = new RequiresRoot(host(true, true, "wg", "wireguard-go", "iperf3"), true);
        ExtensionContext context = context(PrivilegedWithCommands.class,
                method(PrivilegedWithCommands.class, "moreCommands"));
        ConditionEvaluationResult result = gate.evaluateExecutionCondition(context);
        assertFalse(result.isDisabled());
        assertEquals("root, wg, wireguard-go and iperf3 present", result.getReason().orElseThrow());
        assertDoesNotThrow(() -> gate.beforeAll(context(PrivilegedWithCommands.class, null)));
        assertDoesNotThrow(() -> gate.beforeEach(context));
    }

    @Test
    void failsAMissingCommandInCiBeforeAllOrBeforeEach() throws Exception {
        RequiresRoot gate = new RequiresRoot(host(true, true), true);
        ExtensionContext crossCheck = context(Unannotated.class, method(Unannotated.class, "crossCheck"));
        assertFalse(gate.evaluateExecutionCondition(crossCheck).isDisabled(), "CI runs it so that it fails");
        var e = assertThrows(AssertionFailedError.class, () -> gate.beforeEach(crossCheck));
        assertEquals("test crossCheck() cannot run and CI=true: " + WG_MISSING, e.getMessage());
        var onClass = assertThrows(AssertionFailedError.class,
                () -> gate.beforeAll(context(PrivilegedWithCommands.class, null)));
        assertTrue(onClass.getMessage().startsWith("privileged test PrivilegedWithCommands cannot run and CI=true: "
                + WG_MISSING + "; wireguard-go not found"), onClass.getMessage());
    }

    @Test
    void describesWhatIsRequired() {
        assertEquals("root", ROOT.describe());
        assertEquals("root and wg", new Requirements(true, false, List.of("wg")).describe());
        assertEquals("wg and curl", new Requirements(false, false, List.of("wg", "curl"))
                .describe());
        assertThrows(IllegalArgumentException.class, () -> new Requirements(false, true, List.of()));
    }

    @Test
    void probesThisMachineWithoutThrowing() {
        assertDoesNotThrow(RequiresRoot::missingPrerequisites);
        assertDoesNotThrow(() -> new RequiresRoot().missing(new Requirements(true, false, List.of("sh"))));
    }
}
