/**
 * WireGuard's cryptographic primitives (whitepaper §5.4): the transport AEAD ChaCha20-Poly1305
 * (OpenSSL libcrypto through the FFM API, with a JDK {@code javax.crypto} fallback chosen by
 * {@link io.wgate.crypto.AeadImplementation}), XChaCha20-Poly1305 for cookie replies, BLAKE2s
 * hash/MAC, HMAC-BLAKE2s and the KDF, X25519 and TAI64N timestamps.
 *
 * <p>Where it sits in the data flow: {@code gateway-core} calls these primitives while processing
 * handshake messages (X25519, BLAKE2s, KDF, TAI64N, XChaCha20-Poly1305 for cookies) and, on the hot
 * path, seals and opens transport data packets in place in pooled {@code ByteBuf}s with one
 * {@link io.wgate.crypto.ChaCha20Poly1305} instance per worker thread. Nothing here does I/O,
 * keeps global state beyond the one-time OpenSSL probe, or logs key material.
 */
package io.wgate.crypto;
