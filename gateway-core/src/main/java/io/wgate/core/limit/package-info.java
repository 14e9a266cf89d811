/**
 * Denial-of-service limits on the handshake path (whitepaper §5.3; kernel {@code receive.c}, {@code ratelimiter.c}):
 * the bounded queue that keeps handshake work off
 * the data path and says when the device is under load, and the per-source token bucket consulted after mac2 verified
 * while under load. Transport data never passes through this package.
 */
package io.wgate.core.limit;
