package io.wgate.tun.testing;

import java.nio.file.Path;

/**
 * The current thread's stay in a network namespace, entered with {@code setns(fd, CLONE_NEWNET)}; closing it
 * returns the thread to the namespace it came from (saved from {@code /proc/thread-self/ns/net}).
 *
 * <p>Only the calling thread moves, so it must be a platform thread and must close the scope itself. Threads it
 * <em>starts</em> while inside are born in the namespace and stay there, including pool threads started lazily
 * (the common ForkJoinPool, a Netty event loop's first registration): start them before entering, or on purpose.
 */
public final class NetNsScope implements AutoCloseable {
    private static final String SELF = "/proc/thread-self/ns/net";

    private final String name;
    private final Thread owner;
    private int originalFd;

    private NetNsScope(String name, Thread owner, int originalFd) {
        this.name = name;
        this.owner = owner;
        this.originalFd = originalFd;
    }

    static NetNsScope enter(String name, Path nsPath) {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual()) {
            throw new IllegalStateException("setns needs a platform thread: a virtual thread moves between carriers");
        }
        int original = Syscalls.open(SELF, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        if (original < 0) {
            throw new IllegalStateException("cannot open " + SELF + ": errno " + -original);
        }
        int target = Syscalls.open(nsPath.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        if (target < 0) {
            Syscalls.close(original);
            throw new IllegalStateException("cannot open " + nsPath + " (does netns " + name + " exist?): errno "
                    + -target);
        }
        int rc = Syscalls.setns(target, Syscalls.CLONE_NEWNET);
        Syscalls.close(target);
        if (rc < 0) {
            Syscalls.close(original);
            throw new IllegalStateException("setns into netns " + name + " failed: errno " + -rc
                    + " (needs CAP_SYS_ADMIN)");
        }
        return new NetNsScope(name, thread, original);
    }

    /** Returns the thread to its original namespace; must be called by the thread that entered. */
    @Override
    public void close() {
        if (originalFd < 0) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("netns " + name + " was entered by " + owner
                    + "; only that thread can leave it");
        }
        int rc = Syscalls.setns(originalFd, Syscalls.CLONE_NEWNET);
        Syscalls.close(originalFd);
        originalFd = -1;
        if (rc < 0) {
            throw new Error("thread " + owner.getName() + " could not return from netns " + name + ": errno " + -rc);
        }
    }
}
