package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Arbitrary bytes never break {@link SetRequestParser}: a body either parses or fails with a {@link UapiException}
 * of {@code EPROTO} or {@code EINVAL}, nothing else escapes, and a parsed request has one peer section per
 * {@code public_key} line. A Jazzer fuzz target ({@code JAZZER_FUZZ=1} fuzzes; otherwise it replays its seeds in
 * {@code SetRequestParserFuzzTestInputs/} as a regression test).
 */
class SetRequestParserFuzzTest {

    /** The server refuses larger requests long before this ({@link UapiProtocol}); keeps one input's work small. */
    private static final int MAX_INPUT_BYTES = 64 << 10;
    private static final Set<Integer> PARSE_ERRNOS = Set.of(UapiException.EPROTO, UapiException.EINVAL);

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"private_key=" + FuzzKeys.OWN_PRIVATE, "public_key=" + FuzzKeys.PEER_PUBLIC,
        "public_key=" + FuzzKeys.OTHER_PUBLIC, "preshared_key=" + FuzzKeys.PRESHARED,
        "listen_port=", "fwmark=", "replace_peers=true", "update_only=true", "remove=true",
        "endpoint=", "persistent_keepalive_interval=", "replace_allowed_ips=true", "allowed_ip=", "allowed_ip=-",
        "protocol_version=1", "::ffff:", "::", "%", "[", "]:", "/"})
    void anyBodyParsesOrFailsWithEprotoOrEinval(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        String body = new String(data, StandardCharsets.ISO_8859_1); // as UapiLineDecoder maps bytes
        UapiRequest.Set request;
        try {
            request = SetRequestParser.parse(body);
        } catch (UapiException e) {
            assertTrue(PARSE_ERRNOS.contains(e.errno()), e.errno() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("line "), e.getMessage());
            assertTrue(FuzzKeys.SECRETS.isClean(e.getMessage()), "key material in: " + e.getMessage());
            return;
        }
        int sections = 0;
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) {
                break; // the blank line ends the request
            }
            sections += line.startsWith("public_key=") ? 1 : 0;
        }
        assertEquals(sections, request.peers().size(), body);
    }
}
