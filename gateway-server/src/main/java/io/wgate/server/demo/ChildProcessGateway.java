package io.wgate.server.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link WgateGateway} and {@link WireguardGoGateway} share: a {@link Gateway} that is one
 * {@link ChildProcess} in an office's namespace, serving one tunnel interface. It answers the identity,
 * process and log questions, and runs the stop sequence (once): SIGTERM with a grace period, then the
 * implementation's interface clean-up ({@link #removeInterface}), then the files under {@code /run}.
 */
abstract sealed class ChildProcessGateway implements Gateway permits WgateGateway, WireguardGoGateway {

    private final GatewayKind kind;
    private final String office;
    private final String namespace;
    private final String interfaceName;
    private final Duration stopGrace;
    final ChildProcess process;
    final Shell shell;
    private boolean stopped;

    ChildProcessGateway(GatewayKind kind, String office, String namespace, String interfaceName, Duration stopGrace,
                        ChildProcess process, Shell shell) {
        this.kind = kind;
        this.office = office;
        this.namespace = namespace;
        this.interfaceName = interfaceName;
        this.stopGrace = stopGrace;
        this.process = process;
        this.shell = shell;
    }

    @Override
    public final GatewayKind kind() {
        return kind;
    }

    @Override
    public final String office() {
        return office;
    }

    @Override
    public final String namespace() {
        return namespace;
    }

    @Override
    public final String interfaceName() {
        return interfaceName;
    }

    @Override
    public final long pid() {
        return process.pid();
    }

    @Override
    public final boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public final Path logFile() {
        return process.logFile();
    }

    @Override
    public final String log() {
        return process.log();
    }

    @Override
    public final String logTail(int lines) {
        return process.logTail(lines);
    }

    @Override
    public final synchronized List<String> stop() {
        List<String> problems = new ArrayList<>();
        if (stopped) {
            return problems;
        }
        stopped = true;
        boolean alive = process.isAlive();
        if (alive && !process.stop(stopGrace)) {
            problems.add(kind.onGateway(office) + " did not stop within " + stopGrace.toSeconds()
                    + " s of SIGTERM and was killed");
        }
        removeInterface(alive, problems);
        problems.addAll(RunTraces.remove(interfaceName));
        return problems;
    }

    /**
     * Removes the tunnel interface if the stopped process left it, adding what went wrong to {@code problems}.
     *
     * @param wasAlive whether the process still ran when {@link #stop()} began
     */
    abstract void removeInterface(boolean wasAlive, List<String> problems);

    @Override
    public String toString() {
        return kind + " " + interfaceName + " in " + namespace;
    }
}
