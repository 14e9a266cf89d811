package io.wgate.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.wgate.core.DropReason;
import io.wgate.core.EngineEvent;
import io.wgate.tun.TunCounters;
import io.wgate.tun.TunDropReason;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The interface-level {@code wgate_*} series as Micrometer meters: traffic totals, drops by layer and reason,
 * handshakes, cookie replies, rekeys, roaming, the under-load state and queue depths. Engine values come from the
 * scrape's {@link GatewaySnapshot} (taken on the engine loop just before the registry is written); I/O values are
 * read from the source's counters with opaque reads. Every counter is monotonic for the life of the process.
 */
final class InterfaceMeters implements MeterBinder {

    /** The reasons a handshake message can be rejected for; their counters exist from the start, at 0. */
    static final DropReason[] HANDSHAKE_FAILURES = {
        DropReason.HANDSHAKE_QUEUE_FULL, DropReason.INVALID_MAC1, DropReason.RATE_LIMITED, DropReason.NO_IDENTITY,
        DropReason.UNKNOWN_PEER, DropReason.HANDSHAKE_DECRYPTION_FAILED, DropReason.ZERO_DH_RESULT,
        DropReason.HANDSHAKE_REPLAY, DropReason.HANDSHAKE_FLOOD, DropReason.UNKNOWN_RECEIVER_INDEX,
        DropReason.UNEXPECTED_HANDSHAKE_STATE, DropReason.INVALID_COOKIE_REPLY,
    };

    private final GatewaySource source;
    private final Supplier<GatewaySnapshot> latest;
    private final Tags tags;

    InterfaceMeters(GatewaySource source, Supplier<GatewaySnapshot> latest) {
        this.source = source;
        this.latest = latest;
        this.tags = Tags.of("interface", source.interfaceName());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        engineCounter(registry, "wgate.received.bytes", "UDP payload bytes received from peers, removed ones included",
                Tags.empty(), EngineSnapshot::rxBytes);
        engineCounter(registry, "wgate.sent.bytes", "UDP payload bytes sent to peers, removed ones included",
                Tags.empty(), EngineSnapshot::txBytes);
        engineCounter(registry, "wgate.received.packets", "Datagrams received from peers, removed ones included",
                Tags.empty(), EngineSnapshot::rxPackets);
        engineCounter(registry, "wgate.sent.packets", "Datagrams sent to peers, removed ones included",
                Tags.empty(), EngineSnapshot::txPackets);

        String drops = "wgate.dropped.packets";
        String dropsHelp = "Packets discarded, by layer (engine, tun, udp) and reason";
        for (DropReason reason : DropReason.values()) {
            engineCounter(registry, drops, dropsHelp, Tags.of("layer", "engine", "reason", reason.label()),
                    s -> s.drops(reason));
        }
        for (TunDropReason reason : TunDropReason.values()) {
            ioCounter(registry, drops, dropsHelp, Tags.of("layer", "tun", "reason",
                    reason.name().toLowerCase(Locale.ROOT)), s -> {
                    TunCounters tun = s.tunCounters();
                    return tun == null ? 0 : tun.dropped(reason);
                });
        }
        ioCounter(registry, drops, dropsHelp, Tags.of("layer", "tun", "reason", "backpressure"),
                GatewaySource::tunBackpressureDrops);
        ioCounter(registry, drops, dropsHelp, Tags.of("layer", "udp", "reason", "backpressure"),
                GatewaySource::udpBackpressureDrops);
        ioCounter(registry, drops, dropsHelp, Tags.of("layer", "udp", "reason", "send_failed"),
                GatewaySource::udpSendFailures);
        ioCounter(registry, drops, dropsHelp, Tags.of("layer", "udp", "reason", "data_socket_overflow"),
                GatewaySource::udpDataSocketOverflows);
        ioCounter(registry, drops, dropsHelp, Tags.of("layer", "udp", "reason", "handshake_socket_overflow"),
                GatewaySource::udpHandshakeSocketOverflows);

        String messages = "wgate.handshake.messages";
        String messagesHelp = "Handshake initiations and responses sent and received (authenticated)";
        event(registry, messages, messagesHelp, Tags.of("type", "initiation", "direction", "sent"),
                EngineEvent.INITIATION_SENT);
        event(registry, messages, messagesHelp, Tags.of("type", "initiation", "direction", "received"),
                EngineEvent.INITIATION_RECEIVED);
        event(registry, messages, messagesHelp, Tags.of("type", "response", "direction", "sent"),
                EngineEvent.RESPONSE_SENT);
        event(registry, messages, messagesHelp, Tags.of("type", "response", "direction", "received"),
                EngineEvent.RESPONSE_RECEIVED);
        event(registry, "wgate.handshakes.completed", "Handshakes completed (sessions confirmed)", Tags.empty(),
                EngineEvent.HANDSHAKE_COMPLETED);
        String failed = "wgate.handshakes.failed";
        String failedHelp = "Handshake messages rejected, by reason, and attempts given up after 90 s (timeout)";
        for (DropReason reason : HANDSHAKE_FAILURES) {
            engineCounter(registry, failed, failedHelp, Tags.of("reason", reason.label()),
                    s -> s.handshakeFailures(reason));
        }
        event(registry, failed, failedHelp, Tags.of("reason", "timeout"), EngineEvent.HANDSHAKE_TIMED_OUT);
        String cookies = "wgate.cookie.replies";
        String cookiesHelp = "Cookie replies sent (under load) and received";
        event(registry, cookies, cookiesHelp, Tags.of("direction", "sent"), EngineEvent.COOKIE_REPLY_SENT);
        event(registry, cookies, cookiesHelp, Tags.of("direction", "received"), EngineEvent.COOKIE_REPLY_RECEIVED);
        event(registry, "wgate.rekeys", "Handshakes started because the session was old (REKEY_AFTER_TIME or"
                + " _MESSAGES)", Tags.empty(), EngineEvent.REKEY);
        event(registry, "wgate.endpoint.changes", "Roaming: a peer's endpoint moved to the source of an"
                + " authenticated packet", Tags.empty(), EngineEvent.ENDPOINT_CHANGED);
        ioCounter(registry, "wgate.endpoint.reresolutions", "A peer's endpoint moved because its host name now"
                + " resolves elsewhere", Tags.empty(), GatewaySource::endpointReresolutions);

        event(registry, "wgate.under.load.episodes", "Times the engine went under load (handshakes then need a"
                + " cookie)", Tags.empty(), EngineEvent.UNDER_LOAD_ENTERED);
        engineGauge(registry, "wgate.under.load", "1 while handshakes need a valid mac2 (the handshake queue is"
                + " or was within 1 s at an eighth of its capacity)", s -> s.underLoad() ? 1 : 0);
        engineGauge(registry, "wgate.handshake.queue.depth", "Handshake messages waiting for the engine",
                EngineSnapshot::queuedHandshakes);
        engineGauge(registry, "wgate.staged.packets", "Packets waiting for a session, all peers",
                EngineSnapshot::stagedPackets);
        engineGauge(registry, "wgate.peers", "Peers configured", EngineSnapshot::peerCount);
        engineGauge(registry, "wgate.peers.without.series", "Peers beyond the per-peer series limit"
                + " (metrics option peer-series)", s -> Math.max(0, s.peerCount() - s.peers().size()));

        ioCounter(registry, "wgate.tun.packets", "IP packets read from and written to the TUN device",
                Tags.of("direction", "read"), s -> tun(s, TunCounters::packetsRead));
        ioCounter(registry, "wgate.tun.packets", "IP packets read from and written to the TUN device",
                Tags.of("direction", "written"), s -> tun(s, TunCounters::packetsWritten));
        ioCounter(registry, "wgate.tun.bytes", "Bytes read from and written to the TUN device",
                Tags.of("direction", "read"), s -> tun(s, TunCounters::bytesRead));
        ioCounter(registry, "wgate.tun.bytes", "Bytes read from and written to the TUN device",
                Tags.of("direction", "written"), s -> tun(s, TunCounters::bytesWritten));
    }

    private static long tun(GatewaySource source, ToLongFunction<TunCounters> value) {
        TunCounters counters = source.tunCounters();
        return counters == null ? 0 : value.applyAsLong(counters);
    }

    private void event(MeterRegistry registry, String name, String help, Tags extra, EngineEvent event) {
        engineCounter(registry, name, help, extra, s -> s.events(event));
    }

    private void engineCounter(MeterRegistry registry, String name, String help, Tags extra,
                               ToLongFunction<EngineSnapshot> value) {
        FunctionCounter.builder(name, latest, l -> value.applyAsLong(l.get().engine()))
                .description(help).tags(tags.and(extra)).register(registry);
    }

    private void ioCounter(MeterRegistry registry, String name, String help, Tags extra,
                           ToLongFunction<GatewaySource> value) {
        FunctionCounter.builder(name, source, s -> value.applyAsLong(s))
                .description(help).tags(tags.and(extra)).register(registry);
    }

    private void engineGauge(MeterRegistry registry, String name, String help, ToDoubleFunction<EngineSnapshot> value) {
        Gauge.builder(name, latest, l -> value.applyAsDouble(l.get().engine()))
                .description(help).tags(tags).strongReference(true).register(registry);
    }
}
