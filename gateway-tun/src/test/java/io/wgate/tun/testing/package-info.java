/**
 * Test support shared through gateway-tun's test jar: {@link io.wgate.tun.testing.Privileged} and
 * {@link io.wgate.tun.testing.RequiresCommands} gate tests that need root or host commands (both enforced by
 * {@link io.wgate.tun.testing.RequiresRoot}; {@link io.wgate.tun.testing.Executables} finds the commands), and
 * {@link io.wgate.tun.testing.NetNs} gives each test a network namespace of its own to create TUN devices and send
 * traffic in.
 */
package io.wgate.tun.testing;
