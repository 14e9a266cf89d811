/**
 * Prometheus metrics for a running gateway, read at scrape time and never on the packet path.
 *
 * <p>Where it sits: the engine (gateway-core) and the I/O layer (gateway-tun, gateway-server) keep plain
 * {@code long} counters, each written by one event loop. A scrape asks the engine's loop for one
 * {@link io.wgate.metrics.GatewaySnapshot} (one task of bounded length: a pass over the peers, no per-packet work),
 * then writes the exposition from it on the metrics server's own loop. Counters of the I/O layer are read with
 * opaque reads from the scraping thread.
 *
 * <p>Two kinds of meter live in one Micrometer {@code PrometheusMeterRegistry}: Micrometer meter binders for the
 * interface-level series ({@link io.wgate.metrics.InterfaceMeters}) and the JVM, and a prometheus-metrics
 * {@code MultiCollector} ({@link io.wgate.metrics.PeerCollector}) for the per-peer series and the info series.
 * The per-peer families need it: peers come and go with {@code wg set}, endpoints roam, and
 * prometheus_wireguard_exporter's label set varies from peer to peer ({@code friendly_name} only for peers that
 * have one), which Micrometer does not allow within one metric name.
 */
package io.wgate.metrics;
