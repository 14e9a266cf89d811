package io.wgate.server.config;

import java.util.List;

/**
 * wg-quick's {@code PreUp}, {@code PostUp}, {@code PreDown} and {@code PostDown} commands, each list in
 * file order. Every entry is the raw text after {@code =} (comment removed, surrounding whitespace
 * trimmed); {@code %i} is replaced by the interface name only when the hook runs.
 */
public record Hooks(List<String> preUp, List<String> postUp, List<String> preDown, List<String> postDown) {

    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of());

    public Hooks {
        preUp = List.copyOf(preUp);
        postUp = List.copyOf(postUp);
        preDown = List.copyOf(preDown);
        postDown = List.copyOf(postDown);
    }

    /** True when there are no hooks at all. */
    public boolean isEmpty() {
        return preUp.isEmpty() && postUp.isEmpty() && preDown.isEmpty() && postDown.isEmpty();
    }
}
