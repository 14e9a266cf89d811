/**
 * Transport sessions: the keypairs a completed handshake derives, their previous / current / next rotation, and the
 * per-keypair replay window. Sits between the index-table lookup of a transport message and the inner packet's
 * routing check: decrypt, then {@link io.wgate.core.session.ReplayWindow#validate}, then hand the plaintext on.
 */
package io.wgate.core.session;
