package io.wgate.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A process that never exits and that may not be signalled: what a non-root {@code wgate down} meets
 * when the gateway runs as root ({@code kill} fails with EPERM, {@link ProcessHandle#destroy()} returns
 * false).
 */
final class FakeProcessHandle implements ProcessHandle {

    private final long pid;
    private final List<String> commandLine;
    int destroyCalls;

    FakeProcessHandle(long pid, List<String> commandLine) {
        this.pid = pid;
        this.commandLine = List.copyOf(commandLine);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
        return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return Stream.empty();
    }

    @Override
    public Info info() {
        return new Info() {
            @Override
            public Optional<String> command() {
                return Optional.of(commandLine.getFirst());
            }

            @Override
            public Optional<String> commandLine() {
                return Optional.of(String.join(" ", commandLine));
            }

            @Override
            public Optional<String[]> arguments() {
                return Optional.of(commandLine.subList(1, commandLine.size()).toArray(String[]::new));
            }

            @Override
            public Optional<Instant> startInstant() {
                return Optional.empty();
            }

            @Override
            public Optional<Duration> totalCpuDuration() {
                return Optional.empty();
            }

            @Override
            public Optional<String> user() {
                return Optional.of("root");
            }
        };
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        return new CompletableFuture<>();
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean destroy() {
        destroyCalls++;
        return false;
    }

    @Override
    public boolean destroyForcibly() {
        destroyCalls++;
        return false;
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid, other.pid());
    }
}
