/**
 * The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake as WireGuard uses it (whitepaper §5.4):
 * {@link io.wgate.core.noise.Handshake} per peer, {@link io.wgate.core.noise.SymmetricState} for
 * the chaining key and hash, {@link io.wgate.core.noise.StaticIdentity} for our key. Called by the
 * engine's handshake processor between mac verification and session installation.
 */
package io.wgate.core.noise;
