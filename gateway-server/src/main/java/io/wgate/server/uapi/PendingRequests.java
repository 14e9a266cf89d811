package io.wgate.server.uapi;

/**
 * The bytes that unfinished UAPI requests hold, over all connections of one socket, against
 * {@link UapiLimits#maxPendingBytes}. Owner: the engine's event loop, where every connection's handler runs (plain
 * fields, no locks).
 */
final class PendingRequests {

    private final long maxBytes;
    private long bytes;

    PendingRequests(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Takes {@code count} more bytes if the total stays within the limit; false (nothing taken) otherwise. */
    boolean reserve(long count) {
        if (bytes + count > maxBytes) {
            return false;
        }
        bytes += count;
        return true;
    }

    /** Gives back {@code count} bytes a finished or abandoned request held. */
    void release(long count) {
        bytes -= count;
        if (bytes < 0) {
            throw new IllegalStateException("released more UAPI request bytes than were held");
        }
    }

    long bytes() {
        return bytes;
    }

    long maxBytes() {
        return maxBytes;
    }
}
