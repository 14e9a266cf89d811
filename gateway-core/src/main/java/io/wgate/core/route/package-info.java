/**
 * Lookup tables of the engine: {@link io.wgate.core.route.AllowedIps} maps inner addresses to peers (outbound
 * destination lookup, inbound source check, whitepaper §2), {@link io.wgate.core.route.IndexTable} maps receiver
 * indices on the wire to handshakes and keypairs (§1.4), and the peer table maps static public keys to peers for
 * consumed initiations. The per-packet lookups allocate nothing.
 */
package io.wgate.core.route;
