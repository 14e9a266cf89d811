/**
 * The {@code wgate} command line: subcommands that run and exit without starting the gateway.
 *
 * <p>Where it sits: outside the data flow. {@code KeyCommands} makes and converts keys exactly as
 * {@code wg genkey}, {@code wg pubkey} and {@code wg genpsk} do, so scripts written for
 * wireguard-tools work with {@code wgate} unchanged. Commands take their streams as parameters so
 * they can be tested without a process.
 */
package io.wgate.server.cli;
