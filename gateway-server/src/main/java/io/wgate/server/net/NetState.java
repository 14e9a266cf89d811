package io.wgate.server.net;

import io.wgate.server.config.WgQuickConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code up} has done to the host so far: enough for {@code down} (in this process or another) to
 * undo it. Kept as a small line-based text file:
 *
 * <pre>
 * # wgate network state ...
 * version 1
 * interface wg0
 * fwmark 51820
 * complete true
 * predown iptables -D FORWARD -i %i -j ACCEPT
 * postdown echo down
 * step address wg0 172.16.1.1/24
 * step route wg0 10.10.10.0/24 -
 * step rule 4 not fwmark 51820 table 51820
 * </pre>
 *
 * {@code complete} becomes true once every PostUp hook has run; only then does {@code down} run the
 * PreDown/PostDown hooks (wg-quick runs no down hooks for an {@code up} that failed). Hooks are kept
 * raw ({@code %i} not yet replaced); the config is line-based, so a hook never contains a newline.
 *
 * @param interfaceName the interface
 * @param fwMark        the fwmark chosen for full-tunnel routing (0 = none); informational
 * @param complete      whether {@code up} finished
 * @param preDown       PreDown hooks to run on {@code down}
 * @param postDown      PostDown hooks to run on {@code down}
 * @param steps         the changes made, oldest first
 */
public record NetState(String interfaceName, long fwMark, boolean complete, List<String> preDown,
                       List<String> postDown, List<NetStep> steps) {

    static final int VERSION = 1;

    public NetState {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (!WgQuickConfig.isValidInterfaceName(interfaceName)) {
            throw new IllegalArgumentException("not an interface name: '" + interfaceName + "'");
        }
        preDown = List.copyOf(preDown);
        postDown = List.copyOf(postDown);
        steps = List.copyOf(steps);
        for (String hook : preDown) {
            checkHook(hook);
        }
        for (String hook : postDown) {
            checkHook(hook);
        }
    }

    /** A fresh state: nothing done yet. */
    public static NetState begin(String interfaceName, List<String> preDown, List<String> postDown) {
        return new NetState(interfaceName, 0, false, preDown, postDown, List.of());
    }

    /** This state with one more step. */
    public NetState plus(NetStep step) {
        List<NetStep> more = new ArrayList<>(steps);
        more.add(step);
        return new NetState(interfaceName, fwMark, complete, preDown, postDown, more);
    }

    /** This state with other steps. */
    public NetState withSteps(List<NetStep> newSteps) {
        return new NetState(interfaceName, fwMark, complete, preDown, postDown, newSteps);
    }

    public NetState withFwMark(long mark) {
        return new NetState(interfaceName, mark, complete, preDown, postDown, steps);
    }

    public NetState completed() {
        return new NetState(interfaceName, fwMark, true, preDown, postDown, steps);
    }

    /** This state with other PreDown and PostDown hooks (a reload changed them). */
    public NetState withDownHooks(List<String> newPreDown, List<String> newPostDown) {
        return new NetState(interfaceName, fwMark, complete, newPreDown, newPostDown, steps);
    }

    /** This state once the PreDown hooks have run: a later {@code down} must not run them again. */
    public NetState withoutPreDown() {
        return new NetState(interfaceName, fwMark, complete, List.of(), postDown, steps);
    }

    /** This state once the PostDown hooks have run: a later {@code down} must not run them again. */
    public NetState withoutPostDown() {
        return new NetState(interfaceName, fwMark, complete, preDown, List.of(), steps);
    }

    /** The file text (see the class comment). */
    public String serialize() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("# wgate network state: what 'wgate up ").append(interfaceName)
                .append("' changed on this host; 'wgate down ").append(interfaceName).append("' undoes it.\n");
        sb.append("version ").append(VERSION).append('\n');
        sb.append("interface ").append(interfaceName).append('\n');
        sb.append("fwmark ").append(fwMark).append('\n');
        sb.append("complete ").append(complete).append('\n');
        preDown.forEach(h -> sb.append("predown ").append(h).append('\n'));
        postDown.forEach(h -> sb.append("postdown ").append(h).append('\n'));
        steps.forEach(s -> sb.append("step ").append(s.serialize()).append('\n'));
        return sb.toString();
    }

    /**
     * Reads {@link #serialize()}'s output.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static NetState parse(List<String> lines) {
        String name = null;
        long mark = 0;
        boolean done = false;
        int version = 0;
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<NetStep> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1);
            try {
                switch (key) {
                    case "version" -> version = Integer.parseInt(value.strip());
                    case "interface" -> name = value.strip();
                    case "fwmark" -> mark = Long.parseLong(value.strip());
                    case "complete" -> done = Boolean.parseBoolean(value.strip());
                    case "predown" -> pre.add(value);
                    case "postdown" -> post.add(value);
                    case "step" -> steps.add(NetStep.parse(value));
                    default -> throw new IllegalArgumentException("unknown entry '" + key + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported state version " + version + " (expected " + VERSION + ")");
        }
        if (name == null) {
            throw new IllegalArgumentException("no 'interface' line");
        }
        return new NetState(name, mark, done, pre, post, steps);
    }

    private static void checkHook(String hook) {
        if (hook.indexOf('\n') >= 0 || hook.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a hook cannot contain a line break");
        }
    }
}
