package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FetchResultTest {

    private static final String SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void parsesWhatItFormats() {
        FetchResult result = new FetchResult(200, 52_428_800, SHA, 1_234);
        assertEquals(Optional.of(result), FetchResult.parse("noise\n" + result.format() + "\n"));
    }

    @Test
    void missingLineIsEmpty() {
        assertTrue(FetchResult.parse("fetch http://x: java.net.ConnectException: refused").isEmpty());
    }

    @Test
    void rateIsMegabitsPerSecond() {
        assertEquals(8.0, new FetchResult(200, 1_000_000, SHA, 1_000).megabitsPerSecond(), 1e-9);
    }
}
