package io.wgate.server.gateway;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The CPUs to pin the gateway's threads to, in the order they are handed out: the event loop takes the first, crypto
 * worker {@code k} the ({@code k}+2)-th, wrapping around when there are more threads than CPUs. Written as in
 * {@code taskset -c} and cpuset files: {@code 2-5}, {@code 0,2,4}, {@code 1-3,8}.
 *
 * @param cpus the CPU numbers, each once, in the written order
 */
public record CpuList(int[] cpus) {

    /** {@code WGATE_CPUS}: the CPU list when {@code --cpus} is not given. */
    public static final String ENVIRONMENT_VARIABLE = "WGATE_CPUS";

    public CpuList {
        if (cpus.length == 0) {
            throw new IllegalArgumentException("a CPU list names at least one CPU");
        }
        cpus = cpus.clone();
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the offending part: not a number, a reversed range, a CPU named twice
     *     or beyond {@value CpuAffinity#CPU_SET_BITS}
     */
    public static CpuList parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty CPU list (expected e.g. 2-5 or 0,2,4)");
        }
        boolean[] seen = new boolean[CpuAffinity.CPU_SET_BITS];
        int[] out = new int[0];
        for (String part : trimmed.split(",", -1)) {
            String item = part.strip();
            int dash = item.indexOf('-');
            int first = cpu(dash < 0 ? item : item.substring(0, dash), item);
            int last = dash < 0 ? first : cpu(item.substring(dash + 1), item);
            if (last < first) {
                throw new IllegalArgumentException("CPU range '" + item + "' runs backwards");
            }
            for (int cpu = first; cpu <= last; cpu++) {
                if (seen[cpu]) {
                    throw new IllegalArgumentException("CPU " + cpu + " is named twice in '" + trimmed + "'");
                }
                seen[cpu] = true;
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = cpu;
            }
        }
        return new CpuList(out);
    }

    private static int cpu(String number, String item) {
        String digits = number.strip();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 5) {
            throw new IllegalArgumentException("'" + item + "' is not a CPU number or range (expected e.g. 2-5)");
        }
        int cpu = Integer.parseInt(digits);
        if (cpu >= CpuAffinity.CPU_SET_BITS) {
            throw new IllegalArgumentException("CPU " + cpu + " is beyond " + (CpuAffinity.CPU_SET_BITS - 1));
        }
        return cpu;
    }

    /** The CPU of the event loop. */
    public int loopCpu() {
        return cpus[0];
    }

    /** The CPU of crypto worker {@code worker} (0-based): the list after the loop's CPU, wrapping around. */
    public int workerCpu(int worker) {
        return cpus.length == 1 ? cpus[0] : cpus[1 + worker % (cpus.length - 1)];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CpuList list && Arrays.equals(cpus, list.cpus);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cpus);
    }

    @Override
    public String toString() {
        return Arrays.stream(cpus).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
