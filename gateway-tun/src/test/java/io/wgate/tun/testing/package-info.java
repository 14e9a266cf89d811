/**
 * Test support shared through gateway-tun's test jar: {@link io.wgate.tun.testing.Privileged} and
 * {@link io.wgate.tun.testing.RequiresRoot} gate tests that need root, and {@link io.wgate.tun.testing.NetNs}
 * gives each test a network namespace of its own to create TUN devices and send traffic in.
 */
package io.wgate.tun.testing;
