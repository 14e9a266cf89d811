package io.wgate.tun.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN), {@code ip(8)} and
 * {@code /dev/net/tun}: tags it {@code privileged} and gates it with {@link RequiresRoot}, which skips it with a
 * visible reason outside CI and fails it when {@code CI=true}. Add {@link RequiresCommands} for the host commands
 * the test runs.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("privileged")
@ExtendWith(RequiresRoot.class)
public @interface Privileged {

    /**
     * Whether the test administers the network: CAP_NET_ADMIN, CAP_SYS_ADMIN ({@code ip netns}, {@code setns}),
     * {@code ip(8)} and {@code /dev/net/tun}. {@code false} requires only effective uid 0, for tests that merely
     * need root's file permissions (sockets in {@code /var/run/wireguard}); any {@code @Privileged} on the
     * method or an enclosing class that keeps the default still requires everything.
     */
    boolean network() default true;
}
