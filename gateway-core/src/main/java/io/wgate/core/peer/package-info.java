/**
 * One remote peer and what the engine keeps for it: configuration, handshake, keypairs, timers and the packets
 * staged while no session is usable. Outbound packets land here after the AllowedIPs lookup picked the peer; inbound
 * packets reach it through the index table.
 */
package io.wgate.core.peer;
