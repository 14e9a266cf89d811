/**
 * The {@code wgate} command line: key commands, {@code up}, {@code down} and {@code show}.
 *
 * <p>Where it sits: outside the data flow. {@code KeyCommands} makes and converts keys exactly as
 * {@code wg genkey}, {@code wg pubkey} and {@code wg genpsk} do, so scripts written for wireguard-tools
 * work with {@code wgate} unchanged. {@code up} runs the gateway process ({@code ForegroundGateway}, or in
 * the background through {@code Daemon}); {@code down} stops it. Both agree on whether a gateway runs
 * through the interface's {@code GatewayLock}, which the gateway process holds for as long as it lives,
 * and keep their files in one run directory ({@code RunFiles}). A foreground gateway stops cleanly (exit status 0)
 * on SIGTERM and SIGINT ({@code StopSignals}), reloads on SIGHUP ({@code ReloadSignal}) and, started by systemd
 * with {@code Type=notify}, says when it is ready, reloading and stopping ({@code SystemdNotify}). Commands take
 * their streams as parameters so they can be tested without a process.
 */
package io.wgate.server.cli;
