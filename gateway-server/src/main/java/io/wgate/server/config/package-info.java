/**
 * The wg-quick configuration file ({@code /etc/wireguard/<name>.conf}): parsing, validation and
 * writing back.
 *
 * <p>Where it sits: this is the very start of {@code wgate up}. The server parses the file with
 * {@link io.wgate.server.config.WgQuickConfig#parse(java.nio.file.Path)}, hands the wg keys
 * (PrivateKey, ListenPort, FwMark, peers) to the engine and the wg-quick keys (Address, MTU, Table,
 * hooks) to {@code io.wgate.server.net.LinkSetup}. Nothing here touches the network or resolves
 * host names; the result is a tree of immutable records.
 *
 * <p>Rules follow wireguard-tools: {@code wg}'s {@code config.c} for the wg keys and wg-quick's
 * {@code linux.bash} for the rest (and wg-quick(8)). Every problem is reported as
 * {@code FILE:LINE: KEY: WHAT} through {@link io.wgate.server.config.ConfigException}; key material
 * never appears in messages or {@code toString()}.
 */
package io.wgate.server.config;
