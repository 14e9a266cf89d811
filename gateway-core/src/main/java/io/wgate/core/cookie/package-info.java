/**
 * mac1, mac2 and cookie replies (whitepaper §5.4.4, §5.4.7). {@link io.wgate.core.cookie.CookieChecker}
 * guards our handshake processing (mac1 always, mac2 under load); each peer's
 * {@link io.wgate.core.cookie.CookieGenerator} stamps our outgoing handshake messages.
 */
package io.wgate.core.cookie;
