package io.wgate.server.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuListTest {

    @Test
    void parsesRangesAndSinglesInTheWrittenOrder() {
        assertArrayEquals(new int[] {2, 3, 4, 5}, CpuList.parse("2-5").cpus());
        assertArrayEquals(new int[] {0, 2, 4}, CpuList.parse(" 0, 2 ,4 ").cpus());
        assertArrayEquals(new int[] {8, 1, 2, 3}, CpuList.parse("8,1-3").cpus());
        assertArrayEquals(new int[] {1023}, CpuList.parse("1023").cpus());
        assertEquals("8,1,2,3", CpuList.parse("8,1-3").toString());
        assertEquals(CpuList.parse("1-3"), CpuList.parse("1,2,3"));
    }

    @Test
    void theLoopTakesTheFirstCpuAndTheWorkersTheRestWrappingAround() {
        CpuList list = CpuList.parse("4,6-7");
        assertEquals(4, list.loopCpu());
        assertEquals(List.of(6, 7, 6, 7), List.of(list.workerCpu(0), list.workerCpu(1), list.workerCpu(2),
                list.workerCpu(3)));
        CpuList one = CpuList.parse("3");
        assertEquals(3, one.loopCpu());
        assertEquals(3, one.workerCpu(5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''           | empty CPU list",
        "'1,,2'       | '' is not a CPU number or range",
        "'a'          | 'a' is not a CPU number or range",
        "'5-3'        | CPU range '5-3' runs backwards",
        "'1-'         | '1-' is not a CPU number or range",
        "'-1'         | '-1' is not a CPU number or range",
        "'1,2,1'      | CPU 1 is named twice in '1,2,1'",
        "'0-3,2'      | CPU 2 is named twice",
        "'1024'       | CPU 1024 is beyond 1023",
        "'99999999'   | is not a CPU number or range",
        "'+1'         | '+1' is not a CPU number or range",
    })
    void badListsAreRejectedNamingTheOffendingPart(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Differential: random lists written as ranges and singles parse to what a naive expansion gives. */
    @Test
    void randomListsParseLikeANaiveExpansion() {
        Random random = new Random(0x5eedc9L);
        for (int round = 0; round < 2000; round++) {
            TreeSet<Integer> used = new TreeSet<>();
            List<Integer> expected = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(5);
            for (int p = 0; p < parts; p++) {
                int first = random.nextInt(1000);
                int last = random.nextBoolean() ? first : first + random.nextInt(20);
                boolean clash = false;
                for (int c = first; c <= last; c++) {
                    clash |= used.contains(c);
                }
                if (clash) {
                    continue;
                }
                for (int c = first; c <= last; c++) {
                    used.add(c);
                    expected.add(c);
                }
                text.append(text.isEmpty() ? "" : ",").append(first == last ? first + "" : first + "-" + last);
            }
            int[] parsed = CpuList.parse(text.toString()).cpus();
            assertEquals(expected, java.util.Arrays.stream(parsed).boxed().toList(), text.toString());
        }
    }
}
