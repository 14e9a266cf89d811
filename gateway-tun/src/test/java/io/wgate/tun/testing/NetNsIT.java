package io.wgate.tun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

@Privileged
class NetNsIT {
    private static final Path SELF = Path.of("/proc/thread-self/ns/net");

    private static String currentNamespace() throws Exception {
        return Files.readSymbolicLink(SELF).toString();
    }

    @Test
    void createsAUniqueNamespaceRunsCommandsInItAndDeletesIt() {
        NetNs first = NetNs.create("netns");
        NetNs second = NetNs.create("netns");
        try {
            assertNotEquals(first.name(), second.name());
            assertTrue(first.name().startsWith("wgt-netns-" + ProcessHandle.current().pid() + "-"), first.name());
            assertTrue(Files.exists(first.path()));
            String links = first.exec("ip", "-o", "link", "show");
            assertTrue(links.contains("lo:") && links.contains("UP"), links);
            assertEquals(1, links.strip().lines().count(), "only loopback in a fresh namespace: " + links);
        } finally {
            first.close();
            second.close();
        }
        assertFalse(Files.exists(first.path()));
        first.close(); // idempotent
    }

    @Test
    void failedCommandsReportExitStatusAndStderr() {
        try (NetNs ns = NetNs.create("netns")) {
            var e = assertThrows(IllegalStateException.class,
                    () -> ns.exec("sh", "-c", "echo to-stdout; echo broken-thing >&2; exit 3"));
            assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
            assertTrue(e.getMessage().contains("broken-thing"), e.getMessage());
            assertTrue(e.getMessage().contains("to-stdout"), e.getMessage());
            assertFalse(ns.tryIp("link", "show", "does-not-exist").ok());
        }
    }

    @Test
    void commandsThatHangAreKilledAfterTheTimeout() {
        var e = assertThrows(IllegalStateException.class,
                () -> CommandResult.run(Duration.ofMillis(200), List.of("sleep", "30")));
        assertTrue(e.getMessage().contains("timed out after 200 ms"), e.getMessage());
    }

    @Test
    void enteringMovesOnlyTheCurrentThreadAndLeavingRestoresIt() throws Exception {
        ExecutorService startedBefore = Executors.newSingleThreadExecutor();
        try (NetNs ns = NetNs.create("netns")) {
            startedBefore.submit(() -> null).get(); // start its thread outside the namespace
            String before = currentNamespace();
            String inside;
            try (NetNsScope ignored = ns.enter()) {
                inside = currentNamespace();
                assertEquals(before, startedBefore.submit(NetNsIT::currentNamespace).get(),
                        "threads started earlier stay where they are");
            }
            assertNotEquals(before, inside);
            assertEquals(before, currentNamespace());
            assertEquals(inside, ns.call(NetNsIT::currentNamespace));
        } finally {
            startedBefore.shutdownNow();
        }
    }

    @Test
    void threadsStartedInsideInheritTheNamespace() throws Exception {
        try (NetNs ns = NetNs.create("netns")) {
            String inside;
            String child;
            try (NetNsScope ignored = ns.enter()) {
                inside = currentNamespace();
                FutureTask<String> task = new FutureTask<>(NetNsIT::currentNamespace);
                Thread thread = new Thread(task, "started-inside");
                thread.start();
                child = task.get();
                thread.join();
            }
            assertEquals(inside, child, "a thread created inside is born in the namespace");
        }
    }

    @Test
    void onlyTheEnteringThreadMayLeave() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (NetNs ns = NetNs.create("netns")) {
            other.submit(() -> null).get();
            try (NetNsScope scope = ns.enter()) {
                var e = assertThrows(ExecutionException.class, () -> other.submit(scope::close).get());
                assertInstanceOf(IllegalStateException.class, e.getCause());
            }
        } finally {
            other.shutdownNow();
        }
    }
}
