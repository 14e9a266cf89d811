package io.wgate.server.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to run a gateway, beyond its wg-quick configuration.
 *
 * @param transport      UDP transport (epoll by default)
 * @param aead           ChaCha20-Poly1305 implementation: {@code auto}, {@code openssl} or {@code jdk}
 * @param endpointRetries DNS attempts per endpoint host name before giving up (wg's
 *                        {@code WG_ENDPOINT_RESOLUTION_RETRIES}, default 15)
 * @param offloads       the batching offloads the gateway may use (all by default, each probed)
 * @param cryptoWorkers  threads that seal and open transport data: {@value #AUTO_WORKERS} (auto) for one per
 *                       available core from {@value #AUTO_MIN_CORES} cores on, 0 or 1 for none (the event loop does
 *                       it inline)
 * @param cpus           the CPUs to pin the event loop and the crypto workers to, or null (not pinned)
 * @param reresolveInterval how often host-name endpoints are resolved again whatever the handshake
 *                       ({@link EndpointRefresher}); {@link Duration#ZERO} for never (a stale tunnel still
 *                       triggers a lookup)
 */
public record GatewayOptions(TransportKind transport, String aead, int endpointRetries, Offloads offloads,
                             int cryptoWorkers, CpuList cpus, Duration reresolveInterval) {

    /** {@code cryptoWorkers} meaning auto: one per available core from {@value #AUTO_MIN_CORES} cores on, else inline. */
    public static final int AUTO_WORKERS = -1;
    /** {@code WGATE_CRYPTO_WORKERS}: the crypto worker count when {@code --crypto-workers} is not given. */
    public static final String WORKERS_VARIABLE = "WGATE_CRYPTO_WORKERS";
    /** Cores from which {@code auto} starts crypto workers (one per core); fewer cores: inline. */
    public static final int AUTO_MIN_CORES = 4;
    /** The most crypto workers one gateway starts. */
    public static final int MAX_WORKERS = 256;
    /** {@code WGATE_RERESOLVE_INTERVAL}: the re-resolution interval when {@code --reresolve-interval} is not given. */
    public static final String RERESOLVE_VARIABLE = "WGATE_RERESOLVE_INTERVAL";
    /** Host-name endpoints are resolved again this often by default. */
    public static final Duration DEFAULT_RERESOLVE_INTERVAL = Duration.ofMinutes(5);
    /** The longest re-resolution interval accepted. */
    public static final Duration MAX_RERESOLVE_INTERVAL = Duration.ofDays(1);
    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,6})([smh]?)");

    /** An option set with the defaults for the workers (one per core), no pinning and the default re-resolution. */
    public GatewayOptions(TransportKind transport, String aead, int endpointRetries, Offloads offloads) {
        this(transport, aead, endpointRetries, offloads, AUTO_WORKERS, null, DEFAULT_RERESOLVE_INTERVAL);
    }

    /** An option set with the default re-resolution interval. */
    public GatewayOptions(TransportKind transport, String aead, int endpointRetries, Offloads offloads,
                          int cryptoWorkers, CpuList cpus) {
        this(transport, aead, endpointRetries, offloads, cryptoWorkers, cpus, DEFAULT_RERESOLVE_INTERVAL);
    }

    public GatewayOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(aead, "aead");
        Objects.requireNonNull(offloads, "offloads");
        if (cryptoWorkers < AUTO_WORKERS || cryptoWorkers > MAX_WORKERS) {
            throw new IllegalArgumentException("crypto workers must be 0.." + MAX_WORKERS + " (or auto), got "
                    + cryptoWorkers);
        }
        if (endpointRetries < 1) {
            throw new IllegalArgumentException("endpointRetries must be at least 1, got " + endpointRetries);
        }
        Objects.requireNonNull(reresolveInterval, "reresolveInterval");
        if (reresolveInterval.isNegative() || reresolveInterval.compareTo(MAX_RERESOLVE_INTERVAL) > 0) {
            throw new IllegalArgumentException("the re-resolution interval must be 0.." + MAX_RERESOLVE_INTERVAL.toHours()
                    + "h, got " + reresolveInterval);
        }
    }

    /** epoll, automatic AEAD choice, 15 DNS attempts, every offload, host names resolved again every 5 minutes. */
    public static GatewayOptions defaults() {
        return new GatewayOptions(TransportKind.EPOLL, "auto", 15, Offloads.ALL);
    }

    public GatewayOptions withTransport(TransportKind kind) {
        return new GatewayOptions(kind, aead, endpointRetries, offloads, cryptoWorkers, cpus, reresolveInterval);
    }

    public GatewayOptions withAead(String option) {
        return new GatewayOptions(transport, option, endpointRetries, offloads, cryptoWorkers, cpus, reresolveInterval);
    }

    public GatewayOptions withEndpointRetries(int retries) {
        return new GatewayOptions(transport, aead, retries, offloads, cryptoWorkers, cpus, reresolveInterval);
    }

    public GatewayOptions withOffloads(Offloads chosen) {
        return new GatewayOptions(transport, aead, endpointRetries, chosen, cryptoWorkers, cpus, reresolveInterval);
    }

    public GatewayOptions withCryptoWorkers(int count) {
        return new GatewayOptions(transport, aead, endpointRetries, offloads, count, cpus, reresolveInterval);
    }

    public GatewayOptions withCpus(CpuList list) {
        return new GatewayOptions(transport, aead, endpointRetries, offloads, cryptoWorkers, list, reresolveInterval);
    }

    public GatewayOptions withReresolveInterval(Duration interval) {
        return new GatewayOptions(transport, aead, endpointRetries, offloads, cryptoWorkers, cpus, interval);
    }

    /**
     * The worker threads to start: {@code cryptoWorkers}, or for auto one per available core when there are at
     * least {@value #AUTO_MIN_CORES}; 0 means the event loop seals and opens inline. Below that many cores auto
     * stays inline: measured on two cores (benchmarks/README.md, "Throughput II"), handing each packet to another
     * thread and back costs more than a second core gains when the loop, the workers and the traffic share them.
     * Auto starts {@value #MAX_WORKERS} at most, as many as the option takes.
     */
    public int effectiveCryptoWorkers(int availableCores) {
        int count = cryptoWorkers == AUTO_WORKERS
                ? (availableCores >= AUTO_MIN_CORES ? Math.min(availableCores, MAX_WORKERS) : 0)
                : cryptoWorkers;
        return count <= 1 ? 0 : count;
    }

    /**
     * Parses a worker count as {@code --crypto-workers} and {@value #WORKERS_VARIABLE} take it: {@code auto} or
     * 0..{@value #MAX_WORKERS}.
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static int parseCryptoWorkers(String text) {
        String value = text == null ? "" : text.strip();
        if (value.equalsIgnoreCase("auto")) {
            return AUTO_WORKERS;
        }
        try {
            int count = Integer.parseInt(value);
            if (count >= 0 && count <= MAX_WORKERS) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("crypto workers '" + value + "' is not auto or a number 0.." + MAX_WORKERS);
    }

    /**
     * Parses a re-resolution interval as {@code --reresolve-interval} and {@value #RERESOLVE_VARIABLE} take it: a
     * whole number of minutes ({@code 5}), or with a unit, {@code s}, {@code m} or {@code h} ({@code 90s}, {@code 1h});
     * {@code 0} switches the periodic lookups off. At most a day.
     *
     * @throws IllegalArgumentException naming the value and the forms accepted
     */
    public static Duration parseReresolveInterval(String text) {
        String value = text == null ? "" : text.strip();
        Matcher m = INTERVAL.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            Duration interval = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofMinutes(amount);
            };
            if (interval.compareTo(MAX_RERESOLVE_INTERVAL) <= 0) {
                return interval;
            }
        }
        throw new IllegalArgumentException("re-resolution interval '" + value + "' is not 0 or a number of minutes"
                + " (5), seconds (90s) or hours (1h) up to a day");
    }
}
