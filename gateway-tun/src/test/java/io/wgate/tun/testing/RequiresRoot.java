package io.wgate.tun.testing;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that gates tests on what the host provides: root for {@link Privileged} (effective uid 0 with
 * CAP_NET_ADMIN and CAP_SYS_ADMIN for TUN devices, {@code ip netns} and {@code setns}, the {@code ip} tool and
 * {@code /dev/net/tun}; only uid 0 with {@code network = false}), and host commands for {@link RequiresCommands}
 * (which alone requires no root). The annotations on the test method, its class and enclosing classes add up;
 * registered directly with {@code @ExtendWith} and no annotation, it requires what {@code @Privileged} does.
 *
 * <p>When something is missing and the environment variable {@code CI} is not {@code true}, the tests are skipped
 * with a reason naming what is missing (and, for a command, the Debian package to install); the skip happens
 * before any {@code @BeforeAll}, and Surefire/Failsafe count and report every skipped test with that reason. (An
 * assumption aborted in {@code beforeAll} would show as "Tests run: 0", hiding the skip, which is why this is an
 * {@link ExecutionCondition}.) With {@code CI=true} the tests fail instead, because a CI job that silently skips
 * its privileged tests proves nothing. Usually applied through the two annotations.
 */
public final class RequiresRoot implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    private static final System.Logger LOG = System.getLogger(RequiresRoot.class.getName());
    /** Capability numbers from linux/capability.h. */
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    /** What the machine lacks; replaced in tests. */
    interface Host {
        /** Missing root prerequisites: uid 0 only, or everything {@link Privileged} needs when {@code network}. */
        List<String> missingRoot(boolean network);

        /** Where {@code command} is installed, if it is. */
        Optional<Path> find(String command);
    }

    /** This machine, probed once per JVM for root and on every lookup for commands (cheap: a few stat calls). */
    private static final Host THIS_MACHINE = new Host() {
        @Override
        public List<String> missingRoot(boolean network) {
            return network ? Probe.ALL : Probe.UID;
        }

        @Override
        public Optional<Path> find(String command) {
            return Executables.find(command);
        }
    };

    /**
     * What a test declares it needs, collected from its method, class and enclosing classes.
     *
     * @param root     effective uid 0
     * @param network  also CAP_NET_ADMIN, CAP_SYS_ADMIN, {@code ip} and {@code /dev/net/tun} (implies root)
     * @param commands host commands, each once, outermost declaration first
     */
    record Requirements(boolean root, boolean network, List<String> commands) {

        Requirements {
            commands = List.copyOf(new LinkedHashSet<>(commands)); // distinct, first declaration's place
            if (network && !root) {
                throw new IllegalArgumentException("network implies root");
            }
        }

        /** What the annotations on {@code elements} (outermost first) declare; no annotation means full root. */
        static Requirements of(List<? extends AnnotatedElement> elements) {
            boolean root = false;
            boolean network = false;
            boolean declared = false;
            List<String> commands = new ArrayList<>();
            for (AnnotatedElement element : elements) {
                Optional<Privileged> privileged = AnnotationSupport.findAnnotation(element, Privileged.class);
                if (privileged.isPresent()) {
                    declared = true;
                    root = true;
                    network |= privileged.get().network();
                }
                Optional<RequiresCommands> required = AnnotationSupport.findAnnotation(element, RequiresCommands.class);
                if (required.isPresent()) {
                    declared = true;
                    commands.addAll(List.of(required.get().value()));
                }
            }
            return declared ? new Requirements(root, network, commands) : new Requirements(true, true, commands);
        }

        /** {@link #of(List)} for the test or container {@code context} stands for. */
        static Requirements of(ExtensionContext context) {
            List<AnnotatedElement> elements = new ArrayList<>();
            for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
                c.get().getElement().ifPresent(e -> elements.addFirst(e));
            }
            return of(elements);
        }

        /** {@code root}, {@code wg}, {@code root, wg and wireguard-go}. */
        String describe() {
            List<String> items = new ArrayList<>();
            if (root) {
                items.add("root");
            }
            items.addAll(commands);
            if (items.size() == 1) {
                return items.getFirst();
            }
            return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
        }
    }

    private final Host host;
    private final boolean ci;

    /** The extension as JUnit creates it: this machine, {@code CI} from the environment. */
    public RequiresRoot() {
        this(THIS_MACHINE, "true".equalsIgnoreCase(System.getenv("CI")));
    }

    RequiresRoot(Host host, boolean ci) {
        this.host = host;
        this.ci = ci;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Requirements requirements = Requirements.of(context);
        ConditionEvaluationResult result = evaluate(requirements, missing(requirements), ci);
        if (result.isDisabled()) {
            LOG.log(Level.WARNING, "skipping {0}: {1}", context.getDisplayName(), result.getReason().orElse(""));
        }
        return result;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        check(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check(context);
    }

    private void check(ExtensionContext context) {
        Requirements requirements = Requirements.of(context);
        failInCi(context.getDisplayName(), requirements, missing(requirements), ci);
    }

    /** Everything {@code requirements} asks for that the host lacks, root first, then commands in order. */
    List<String> missing(Requirements requirements) {
        List<String> missing = new ArrayList<>();
        if (requirements.root()) {
            missing.addAll(host.missingRoot(requirements.network()));
        }
        for (String command : requirements.commands()) {
            if (host.find(command).isEmpty()) {
                missing.add(Executables.notFound(command));
            }
        }
        return missing;
    }

    /** Disabled with the missing items as the reason, unless nothing is missing or {@code ci} (then it fails). */
    static ConditionEvaluationResult evaluate(Requirements requirements, List<String> missing, boolean ci) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled(requirements.describe() + " present");
        }
        if (ci) {
            return ConditionEvaluationResult.enabled("CI=true: missing prerequisites fail the test");
        }
        return ConditionEvaluationResult.disabled("needs " + requirements.describe() + ": "
                + String.join("; ", missing));
    }

    /** Fails {@code test} naming what is missing when running in CI without it. */
    static void failInCi(String test, Requirements requirements, List<String> missing, boolean ci) {
        if (ci && !missing.isEmpty()) {
            Assertions.fail((requirements.root() ? "privileged test " : "test ") + test + " cannot run and CI=true: "
                    + String.join("; ", missing));
        }
    }

    /** What this process lacks to run {@link Privileged} tests; empty when it has everything. */
    public static List<String> missingPrerequisites() {
        return Probe.ALL;
    }

    /** Root prerequisites of this process, probed once. */
    private static final class Probe {
        static final List<String> UID = probeUid();
        static final List<String> ALL = probeAll();

        private static List<String> probeUid() {
            int euid = Syscalls.geteuid();
            return euid == 0 ? List.of() : List.of("effective uid is " + euid + ", not 0 (run as root)");
        }

        private static List<String> probeAll() {
            List<String> missing = new ArrayList<>(UID);
            long capabilities = effectiveCapabilities();
            if ((capabilities & (1L << CAP_NET_ADMIN)) == 0) {
                missing.add("CAP_NET_ADMIN is not effective (docker run --cap-add NET_ADMIN)");
            }
            if ((capabilities & (1L << CAP_SYS_ADMIN)) == 0) {
                missing.add("CAP_SYS_ADMIN is not effective; ip netns and setns need it (docker run --privileged)");
            }
            if (NetNs.findIp().isEmpty()) {
                missing.add("ip(8) not found (" + Executables.installHint("ip") + ")");
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
