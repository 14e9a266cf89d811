package io.wgate.crypto.testing;

/**
 * One leak a {@link RecordingLeakDetector} reported: a tracked resource was garbage-collected before its last
 * {@code release()}.
 *
 * @param resourceType the simple name of the tracked type, such as {@code ByteBuf}
 * @param records Netty's access records (creation site, touches, last accesses), empty for an untraced leak
 */
public record ReportedLeak(String resourceType, String records) {

    /** The leak as one block of the failure message. */
    @Override
    public String toString() {
        return resourceType + ".release() was not called before it was garbage-collected."
                + (records.isEmpty() ? " (untraced: run with -Dio.netty.leakDetection.level=paranoid)" : records);
    }
}
