/**
 * The Netty leak guard, shared through gateway-crypto's test jar with every module whose tests touch
 * {@code ByteBuf}s: {@link io.wgate.crypto.testing.RecordingLeakDetector} keeps each leak Netty's detector
 * reports, {@link io.wgate.crypto.testing.LeakGuard} forces the garbage collection that makes leaks visible and
 * turns them into a failure, and {@link io.wgate.crypto.testing.LeakGuardExtension} runs it after every test class.
 *
 * <p>Where it sits: outside the data flow. The root pom's test argLine selects the detector
 * ({@code -Dio.netty.customResourceLeakDetector}) and turns on JUnit's extension auto-detection, which finds the
 * extension through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}.
 */
package io.wgate.crypto.testing;
