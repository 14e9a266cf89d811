package io.wgate.tun.testing;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for tests that need root: effective uid 0 with CAP_NET_ADMIN and CAP_SYS_ADMIN (TUN devices,
 * {@code ip netns}, {@code setns}), the {@code ip} tool and {@code /dev/net/tun}.
 *
 * <p>When something is missing and the environment variable {@code CI} is not {@code true}, the tests are skipped
 * with a reason naming what is missing; the skip happens before any {@code @BeforeAll}, and Surefire/Failsafe
 * count and report every skipped test with that reason. (An assumption aborted in {@code beforeAll} would show
 * as "Tests run: 0", hiding the skip, which is why this is an {@link ExecutionCondition}.) With {@code CI=true}
 * the tests fail instead, because a CI job that silently skips its privileged tests proves nothing. Usually
 * applied through {@link Privileged}.
 */
public final class RequiresRoot implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    private static final System.Logger LOG = System.getLogger(RequiresRoot.class.getName());
    /** Capability numbers from linux/capability.h. */
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ConditionEvaluationResult result = evaluate(Prerequisites.MISSING, isCi());
        if (result.isDisabled()) {
            LOG.log(Level.WARNING, "skipping privileged {0}: {1}", context.getDisplayName(),
                    result.getReason().orElse(""));
        }
        return result;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failInCi(context.getDisplayName(), Prerequisites.MISSING, isCi());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failInCi(context.getDisplayName(), Prerequisites.MISSING, isCi());
    }

    /** Disabled with the missing items as the reason, unless nothing is missing or {@code ci} (then it fails). */
    static ConditionEvaluationResult evaluate(List<String> missing, boolean ci) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, CAP_NET_ADMIN, CAP_SYS_ADMIN, ip and /dev/net/tun present");
        }
        if (ci) {
            return ConditionEvaluationResult.enabled("CI=true: missing privileges fail the test");
        }
        return ConditionEvaluationResult.disabled("needs root: " + String.join("; ", missing));
    }

    /** Fails {@code test} naming what is missing when running in CI without the privileges. */
    static void failInCi(String test, List<String> missing, boolean ci) {
        if (ci && !missing.isEmpty()) {
            Assertions.fail("privileged test " + test + " cannot run and CI=true: " + String.join("; ", missing));
        }
    }

    /** What this process lacks to run privileged tests; empty when it has everything. */
    public static List<String> missingPrerequisites() {
        return Prerequisites.MISSING;
    }

    private static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static final class Prerequisites {
        static final List<String> MISSING = probe();

        private static List<String> probe() {
            List<String> missing = new ArrayList<>();
            int euid = Syscalls.geteuid();
            if (euid != 0) {
                missing.add("effective uid is " + euid + ", not 0 (run as root)");
            }
            long capabilities = effectiveCapabilities();
            if ((capabilities & (1L << CAP_NET_ADMIN)) == 0) {
                missing.add("CAP_NET_ADMIN is not effective (docker run --cap-add NET_ADMIN)");
            }
            if ((capabilities & (1L << CAP_SYS_ADMIN)) == 0) {
                missing.add("CAP_SYS_ADMIN is not effective; ip netns and setns need it (docker run --privileged)");
            }
            if (NetNs.findIp().isEmpty()) {
                missing.add("ip(8) not found (install iproute2)");
            }
            if (!Files.exists(Path.of("/dev/net/tun"))) {
                missing.add("/dev/net/tun is missing (modprobe tun, or docker run --device /dev/net/tun)");
            }
            return List.copyOf(missing);
        }

        /** {@code CapEff} from /proc/self/status, or 0 if unreadable. */
        private static long effectiveCapabilities() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.log(Level.DEBUG, "cannot read CapEff", e);
            }
            return 0;
        }
    }
}
