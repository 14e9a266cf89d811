package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Arbitrary answers to {@code get=1} never break {@link GetResponseParser}: an answer either parses or fails with
 * a {@link UapiException} (nothing else escapes), and a parsed answer has one peer per {@code public_key} line.
 * A Jazzer fuzz target ({@code JAZZER_FUZZ=1} fuzzes; otherwise it replays its seeds in
 * {@code GetResponseParserFuzzTestInputs/} as a regression test).
 */
class GetResponseParserFuzzTest {

    /** {@link UapiClient} bounds real answers; this keeps one input's work small. */
    private static final int MAX_INPUT_BYTES = 64 << 10;

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"private_key=" + FuzzKeys.OWN_PRIVATE, "public_key=" + FuzzKeys.PEER_PUBLIC,
        "public_key=" + FuzzKeys.OTHER_PUBLIC, "preshared_key=" + FuzzKeys.PRESHARED,
        "listen_port=", "fwmark=", "endpoint=", "last_handshake_time_sec=", "last_handshake_time_nsec=",
        "rx_bytes=", "tx_bytes=", "persistent_keepalive_interval=", "allowed_ip=", "protocol_version=1",
        "errno=0", "errno=-", "::ffff:", "%", "[", "]:", "/", "18446744073709551615"})
    void anyAnswerParsesOrFailsWithAUapiException(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        List<String> lines = new ArrayList<>(); // as UapiClient reads them: up to the blank line
        for (String line : new String(data, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            lines.add(line);
        }
        DeviceStatus status;
        try {
            status = GetResponseParser.parse("wgfuzz0", lines);
        } catch (UapiException e) {
            assertTrue(e.errno() < 0, e.getMessage());
            assertTrue(e.getMessage().startsWith("wgfuzz0: "), e.getMessage());
            return;
        }
        assertEquals(lines.stream().filter(l -> l.startsWith("public_key=")).count(), status.peers().size());
        assertEquals(status.privateKey().isPresent(), status.publicKey().isPresent());
    }
}
