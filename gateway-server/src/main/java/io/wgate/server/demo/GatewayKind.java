package io.wgate.server.demo;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Which WireGuard implementation runs on an office gateway. */
public enum GatewayKind {
    /** This project: {@code wgate up CONFIG --foreground}. */
    WGATE("wgate"),
    /** The Go reference implementation: {@code wireguard-go -f IF}, configured through its UAPI socket. */
    WIREGUARD_GO("wireguard-go");

    private final String label;

    GatewayKind(String label) {
        this.label = label;
    }

    /** The name used on the command line and in output. */
    public String label() {
        return label;
    }

    /** Who runs where, for messages: {@code "wireguard-go on the Satellite Office gateway"}. */
    public String onGateway(String office) {
        return label + " on the " + office + " gateway";
    }

    /**
     * The kind called {@code label}.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static GatewayKind parse(String label) {
        for (GatewayKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown gateway '" + label + "'; expected "
                + Arrays.stream(values()).map(GatewayKind::label).collect(Collectors.joining(" or ")));
    }

    @Override
    public String toString() {
        return label;
    }
}
