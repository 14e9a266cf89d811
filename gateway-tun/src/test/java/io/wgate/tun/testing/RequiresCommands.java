package io.wgate.tun.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that runs host commands, such as {@code @RequiresCommands({"wg", "wireguard-go"})}:
 * {@link RequiresRoot} skips it, with a reason naming each missing command and its Debian package, when one is not
 * on {@code PATH} (or in the sbin and bin directories), and fails it instead when {@code CI=true}.
 *
 * <p>On its own it needs no privileges (a {@code wg pubkey} cross-check runs as any user); combine it with
 * {@link Privileged} for tests that also need root. Declarations add up: the commands of a method, its class and
 * the enclosing classes are all required. Find the file the gate found with {@link Executables#require}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RequiresRoot.class)
public @interface RequiresCommands {

    /** Bare command names, as typed in a shell: {@code wg}, {@code wireguard-go}, {@code iperf3}. */
    String[] value();
}
