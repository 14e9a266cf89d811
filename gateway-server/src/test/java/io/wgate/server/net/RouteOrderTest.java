package io.wgate.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.core.route.Prefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteOrderTest {

    private static List<Prefix> prefixes(String... texts) {
        return Arrays.stream(texts).map(Prefix::parse).toList();
    }

    @Test
    void longestFirstStableAndDistinct() {
        assertEquals(prefixes("fd00::/64", "192.168.1.7/32", "172.16.1.0/24", "192.168.1.0/24", "10.0.0.0/8", "0.0.0.0/0", "::/0"),
                RouteOrder.sorted(prefixes("0.0.0.0/0", "172.16.1.0/24", "10.0.0.0/8", "fd00::/64", "192.168.1.0/24",
                        "::/0", "192.168.1.7/32", "172.16.1.9/24", "10.0.0.0/8")));
        assertEquals(List.of(), RouteOrder.sorted(List.of()));
    }

    /** Against a naive twin: repeatedly pick the first not-yet-taken prefix of the largest remaining length. */
    @Test
    void matchesNaiveSelectionOnSeededRandomInput() {
        long seed = new Random().nextLong();
        System.out.println("RouteOrderTest seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<Prefix> input = new ArrayList<>();
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                input.add(Prefix.parse("10." + random.nextInt(3) + ".0.0/" + (8 + random.nextInt(4) * 8)));
            }
            List<Prefix> naive = new ArrayList<>();
            List<Prefix> remaining = new ArrayList<>(input);
            while (!remaining.isEmpty()) {
                int longest = Collections.max(remaining.stream().map(Prefix::cidr).toList());
                Prefix next = remaining.stream().filter(p -> p.cidr() == longest).findFirst().orElseThrow();
                naive.add(next);
                remaining.removeIf(next::equals);
            }
            assertEquals(naive, RouteOrder.sorted(input), "seed=" + seed + " input=" + input);
        }
    }
}
