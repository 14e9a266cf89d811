package io.wgate.crypto.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class after which Netty reports a leaked resource: runs {@link LeakGuard#assertNoLeaks} once the
 * class's last test and its {@code @AfterAll} methods (and the extensions it registers itself) are done. Registered
 * for every test class by {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and the root pom's
 * {@code junit.jupiter.extensions.autodetection.enabled=true}.
 */
public final class LeakGuardExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        LeakGuard.assertNoLeaks(context.getRequiredTestClass().getName());
    }
}
