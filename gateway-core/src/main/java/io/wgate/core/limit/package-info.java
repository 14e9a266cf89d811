/**
 * Denial-of-service limits on the handshake path (protocol.md §1.14): the bounded queue that keeps handshake work off
 * the data path and says when the device is under load, and the per-source token bucket consulted after mac2 verified
 * while under load. Transport data never passes through this package.
 */
package io.wgate.core.limit;
