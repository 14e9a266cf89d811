package io.wgate.crypto;

import static io.wgate.crypto.ChaCha20Poly1305.TAG_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer and contract tests of both {@link ChaCha20Poly1305} implementations: Wycheproof,
 * RFC 8439 and the python-cryptography (OpenSSL evpciph) vectors, on heap, direct and composite buffers.
 */
class ChaCha20Poly1305Test {
    private static final int PREFIX = 5;
    private static final int SUFFIX = 3;
    /** Wycheproof groups with nonces other than 96 bits: 0, 64, 88, 104, 112, 128, 160 bits, one case each. */
    private static final int WYCHEPROOF_UNSUPPORTED_NONCE_CASES = 7;
    private static final int WYCHEPROOF_SUPPORTED_CASES = 293;

    static Stream<Arguments> implementationsAndBuffers() {
        List<Arguments> out = new ArrayList<>();
        for (AeadImplementation implementation : AeadImplementation.values()) {
            for (TestBuffers buffers : TestBuffers.values()) {
                out.add(Arguments.of(implementation, buffers));
            }
        }
        return out.stream();
    }

    /** One AEAD case in the units of the general methods. */
    record Case(String id, byte[] key, byte[] nonce, byte[] ad, byte[] plaintext, byte[] ciphertext,
                byte[] tag, boolean valid) {
        byte[] sealed() {
            return Vectors.concat(ciphertext, tag);
        }
    }

    /** Checks one case both ways; returns a failure description or null. */
    static String run(ChaCha20Poly1305 aead, TestBuffers buffers, Case c) {
        AeadKey key = AeadKey.copyOf(c.key());
        byte[] sealed = c.sealed();
        ByteBuf buf = buffers.allocate(PREFIX + sealed.length + SUFFIX);
        try {
            if (c.valid()) {
                buf.setBytes(PREFIX, c.plaintext());
                aead.seal(key, c.nonce(), c.ad(), buf, PREFIX, c.plaintext().length);
                if (!Arrays.equals(TestBuffers.read(buf, PREFIX, sealed.length), sealed)) {
                    return c.id() + ": seal output differs";
                }
                String canary = checkCanaries(buf, sealed.length);
                if (canary != null) {
                    return c.id() + ": seal " + canary;
                }
            }
            buf.setBytes(PREFIX, sealed);
            boolean authentic = aead.open(key, c.nonce(), c.ad(), buf, PREFIX, sealed.length);
            if (authentic != c.valid()) {
                return c.id() + ": open returned " + authentic + " for a " + (c.valid() ? "valid" : "invalid") + " case";
            }
            if (authentic && !Arrays.equals(TestBuffers.read(buf, PREFIX, c.plaintext().length), c.plaintext())) {
                return c.id() + ": open output differs";
            }
            String canary = checkCanaries(buf, sealed.length);
            return canary == null ? null : c.id() + ": open " + canary;
        } finally {
            TestBuffers.release(buf);
            key.destroy();
        }
    }

    private static String checkCanaries(ByteBuf buf, int regionLength) {
        for (int i = 0; i < PREFIX; i++) {
            if (buf.getByte(i) != (byte) 0xA5) {
                return "wrote before the region at " + i;
            }
        }
        for (int i = PREFIX + regionLength; i < buf.capacity(); i++) {
            if (buf.getByte(i) != (byte) 0xA5) {
                return "wrote after the region at " + i;
            }
        }
        return null;
    }

    static List<Case> wycheproofCases(String file, int nonceBits, List<Map<String, Object>> unsupported) {
        List<Case> cases = new ArrayList<>();
        for (Object g : Json.array(Vectors.wycheproof(file).get("testGroups"))) {
            Map<String, Object> group = Json.object(g);
            for (Object t : Json.array(group.get("tests"))) {
                Map<String, Object> test = Json.object(t);
                if (((Long) group.get("ivSize")).intValue() != nonceBits) {
                    unsupported.add(test);
                    continue;
                }
                String result = (String) test.get("result");
                if (!result.equals("valid") && !result.equals("invalid")) {
                    throw new IllegalStateException("unexpected Wycheproof result " + result);
                }
                cases.add(new Case(file + " tcId " + test.get("tcId"), hex(test, "key"), hex(test, "iv"),
                        hex(test, "aad"), hex(test, "msg"), hex(test, "ct"), hex(test, "tag"), result.equals("valid")));
            }
        }
        return cases;
    }

    private static byte[] hex(Map<String, Object> test, String field) {
        return Bytes.fromHex((String) test.get(field));
    }

    private static List<Case> blockCases(String file, String nonceKey) {
        List<Case> cases = new ArrayList<>();
        for (Map<String, String> b : Vectors.blocks(file)) {
            String id = file + " " + (b.containsKey("Section") ? "§" + b.get("Section") : "COUNT " + b.get("COUNT"));
            boolean valid = !"CIPHERFINAL_ERROR".equals(b.get("Result"));
            cases.add(new Case(id, Vectors.hex(b.get("Key")), Vectors.hex(b.get(nonceKey)), Vectors.hex(b.get("AAD")),
                    Vectors.hex(b.get("Plaintext")), Vectors.hex(b.get("Ciphertext")), Vectors.hex(b.get("Tag")), valid));
        }
        return cases;
    }

    private static void runAll(AeadImplementation implementation, TestBuffers buffers, List<Case> cases) {
        List<String> failures = new ArrayList<>();
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            for (Case c : cases) {
                String failure = run(aead, buffers, c);
                if (failure != null) {
                    failures.add(failure);
                }
            }
        }
        assertEquals(List.of(), failures, implementation + "/" + buffers);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndBuffers")
    void passesEveryWycheproofCaseWithA96BitNonce(AeadImplementation implementation, TestBuffers buffers) {
        List<Map<String, Object>> unsupported = new ArrayList<>();
        List<Case> cases = wycheproofCases("chacha20_poly1305_test.json", 96, unsupported);
        assertEquals(WYCHEPROOF_SUPPORTED_CASES, cases.size());
        assertEquals(WYCHEPROOF_UNSUPPORTED_NONCE_CASES, unsupported.size());
        runAll(implementation, buffers, cases);
        System.out.printf("wycheproof chacha20_poly1305_test.json %s/%s: %d run (%d valid, %d invalid), %d skipped "
                        + "(nonce not 96 bits)%n", implementation, buffers, cases.size(),
                cases.stream().filter(Case::valid).count(), cases.stream().filter(c -> !c.valid()).count(),
                unsupported.size());
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void rejectsTheWycheproofNoncesOfOtherSizes(AeadImplementation implementation) {
        List<Map<String, Object>> unsupported = new ArrayList<>();
        wycheproofCases("chacha20_poly1305_test.json", 96, unsupported);
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            for (Map<String, Object> test : unsupported) {
                AeadKey key = AeadKey.copyOf(hex(test, "key"));
                byte[] nonce = hex(test, "iv");
                ByteBuf buf = Unpooled.buffer(64);
                try {
                    assertThrows(IllegalArgumentException.class, () -> aead.seal(key, nonce, null, buf, 0, 0));
                    assertThrows(IllegalArgumentException.class, () -> aead.open(key, nonce, null, buf, 0, 16));
                } finally {
                    TestBuffers.release(buf);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndBuffers")
    void matchesRfc8439Section282AndAppendixA5(AeadImplementation implementation, TestBuffers buffers) {
        List<Case> cases = blockCases("rfc8439-aead.txt", "Nonce");
        assertEquals(2, cases.size());
        runAll(implementation, buffers, cases);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndBuffers")
    void matchesThePycaOpenSslVectors(AeadImplementation implementation, TestBuffers buffers) {
        List<Case> cases = blockCases("cryptography/openssl.txt", "IV");
        assertEquals(5, cases.size());
        assertEquals(1, cases.stream().filter(c -> !c.valid()).count());
        runAll(implementation, buffers, cases);
    }

    @Test
    void rfc8439VectorsMatchTheirCopiesInWycheproofAndPyca() {
        List<Case> rfc = blockCases("rfc8439-aead.txt", "Nonce");
        Case wycheproof1 = wycheproofCases("chacha20_poly1305_test.json", 96, new ArrayList<>()).getFirst();
        Case pyca1 = blockCases("cryptography/openssl.txt", "IV").getFirst();
        assertSameCase(rfc.get(0), wycheproof1);
        assertSameCase(rfc.get(1), pyca1);
    }

    private static void assertSameCase(Case a, Case b) {
        assertArrayEquals(a.key(), b.key());
        assertArrayEquals(a.nonce(), b.nonce());
        assertArrayEquals(a.ad(), b.ad());
        assertArrayEquals(a.plaintext(), b.plaintext());
        assertArrayEquals(a.sealed(), b.sealed());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implementationsAndBuffers")
    void counterFormEqualsGeneralFormWithLittleEndianCounterNonce(AeadImplementation implementation,
                                                                 TestBuffers buffers) {
        byte[] plaintext = Vectors.sequence(100);
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        long counter = 0x1122334455667788L;
        byte[] nonce = Bytes.fromHex("000000008877665544332211");
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ByteBuf a = buffers.withContent(PREFIX, plaintext, TAG_LENGTH);
            ByteBuf b = buffers.withContent(PREFIX, plaintext, TAG_LENGTH);
            try {
                aead.seal(key, counter, a, PREFIX, plaintext.length);
                aead.seal(key, nonce, null, b, PREFIX, plaintext.length);
                assertArrayEquals(TestBuffers.read(b, 0, b.capacity()), TestBuffers.read(a, 0, a.capacity()));
                assertTrue(aead.open(key, counter, a, PREFIX, plaintext.length + TAG_LENGTH));
                assertArrayEquals(plaintext, TestBuffers.read(a, PREFIX, plaintext.length));
                assertFalse(aead.open(key, counter + 1, b, PREFIX, plaintext.length + TAG_LENGTH));
            } finally {
                TestBuffers.release(a);
                TestBuffers.release(b);
            }
        }
    }

    /**
     * The native-address form against the buffer form, byte for byte over the whole buffer (canaries included), for
     * edge and seeded random lengths (0 to a jumbo packet) and counters: seal, open, a wrong counter and a forged
     * message. (Few rounds: the paranoid leak detector records every byte access of the test buffers.)
     */
    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void addressFormEqualsTheBufferForm(AeadImplementation implementation) {
        Random random = new Random(8439);
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            int[] edges = {0, 1, 15, 16, 17, 63, 64, 65, 9000};
            for (int round = 0; round < 40; round++) {
                int length = round < edges.length ? edges[round] : random.nextInt(1501);
                long counter = random.nextLong();
                byte[] plaintext = new byte[length];
                random.nextBytes(plaintext);
                ByteBuf byBuffer = TestBuffers.DIRECT.withContent(PREFIX, plaintext, TAG_LENGTH + SUFFIX);
                ByteBuf byAddress = TestBuffers.DIRECT.withContent(PREFIX, plaintext, TAG_LENGTH + SUFFIX);
                try {
                    long address = byAddress.memoryAddress() + PREFIX;
                    aead.seal(key, counter, byBuffer, PREFIX, length);
                    aead.sealAt(key, counter, address, length);
                    String at = "length " + length + ", counter " + counter;
                    assertArrayEquals(TestBuffers.read(byBuffer, 0, byBuffer.capacity()),
                            TestBuffers.read(byAddress, 0, byAddress.capacity()), at);
                    assertFalse(aead.openAt(key, counter + 1, address, length + TAG_LENGTH), at);
                    byAddress.setBytes(PREFIX, plaintext); // the failed open left the region unspecified
                    aead.sealAt(key, counter, address, length);
                    assertTrue(aead.openAt(key, counter, address, length + TAG_LENGTH), at);
                    assertArrayEquals(plaintext, TestBuffers.read(byAddress, PREFIX, length), at);
                    assertEquals(null, checkCanaries(byAddress, length + TAG_LENGTH), at);
                    int forged = PREFIX + random.nextInt(length + TAG_LENGTH);
                    byBuffer.setByte(forged, byBuffer.getByte(forged) ^ 1 << random.nextInt(8));
                    assertFalse(aead.openAt(key, counter, byBuffer.memoryAddress() + PREFIX, length + TAG_LENGTH),
                            at + ", forged byte " + forged);
                } finally {
                    TestBuffers.release(byBuffer);
                    TestBuffers.release(byAddress);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void addressFormRejectsAddressZeroAndLengthsOutOfRange(AeadImplementation implementation) {
        AeadKey key = AeadKey.copyOf(new byte[32]);
        ByteBuf buf = TestBuffers.DIRECT.allocate(64);
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            long address = buf.memoryAddress();
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> aead.sealAt(key, 0, 0, 16));
            assertEquals("native address 0", zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> aead.openAt(key, 0, 0, 16));
            assertThrows(IllegalArgumentException.class, () -> aead.sealAt(key, 0, address, -1));
            assertThrows(IllegalArgumentException.class, () -> aead.sealAt(key, 0, address, Integer.MAX_VALUE));
            IllegalArgumentException shortOpen = assertThrows(IllegalArgumentException.class,
                    () -> aead.openAt(key, 0, address, 15));
            assertEquals("ciphertext length 15 is shorter than the 16-byte tag", shortOpen.getMessage());
        } finally {
            TestBuffers.release(buf);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void leavesReaderAndWriterIndicesAlone(AeadImplementation implementation) {
        AeadKey key = AeadKey.copyOf(new byte[32]);
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ByteBuf buf = TestBuffers.DIRECT.allocate(64);
            try {
                buf.writerIndex(40).readerIndex(2);
                aead.seal(key, 7, buf, 4, 20);
                assertTrue(aead.open(key, 7, buf, 4, 36));
                assertEquals(40, buf.writerIndex());
                assertEquals(2, buf.readerIndex());
                assertEquals(1, buf.refCnt());
            } finally {
                TestBuffers.release(buf);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void sealsTheSameMessageUnderTheSameNonceTwiceIdentically(AeadImplementation implementation) {
        // The JDK refuses an encrypt init that repeats the previous key and nonce; ours must not.
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        byte[] nonce = Vectors.sequence(12);
        byte[] plaintext = Vectors.sequence(33);
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            for (boolean counterForm : new boolean[] {false, true}) {
                byte[][] outputs = new byte[3][];
                for (int i = 0; i < outputs.length; i++) {
                    ByteBuf buf = TestBuffers.HEAP.withContent(0, plaintext, TAG_LENGTH);
                    try {
                        if (counterForm) {
                            aead.seal(key, 0x0b0a090807060504L, buf, 0, plaintext.length);
                        } else {
                            aead.seal(key, nonce, Vectors.sequence(3), buf, 0, plaintext.length);
                        }
                        outputs[i] = TestBuffers.read(buf, 0, buf.capacity());
                        assertTrue(counterForm
                                ? aead.open(key, 0x0b0a090807060504L, buf, 0, plaintext.length + TAG_LENGTH)
                                : aead.open(key, nonce, Vectors.sequence(3), buf, 0, plaintext.length + TAG_LENGTH));
                        assertArrayEquals(plaintext, TestBuffers.read(buf, 0, plaintext.length));
                    } finally {
                        TestBuffers.release(buf);
                    }
                }
                assertArrayEquals(outputs[0], outputs[1]);
                assertArrayEquals(outputs[0], outputs[2]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void sealsAndOpensEmptyPlaintext(AeadImplementation implementation) {
        AeadKey key = AeadKey.copyOf(Vectors.sequence(32));
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            for (TestBuffers buffers : TestBuffers.values()) {
                ByteBuf buf = buffers.allocate(TAG_LENGTH);
                try {
                    aead.seal(key, 0, buf, 0, 0);
                    assertTrue(aead.open(key, 0, buf, 0, TAG_LENGTH), buffers.toString());
                    buf.setByte(3, buf.getByte(3) ^ 0x40);
                    assertFalse(aead.open(key, 0, buf, 0, TAG_LENGTH), buffers.toString());
                } finally {
                    TestBuffers.release(buf);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void rejectsRegionsOutsideTheBuffer(AeadImplementation implementation) {
        AeadKey key = AeadKey.copyOf(new byte[32]);
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            ByteBuf buf = TestBuffers.DIRECT.allocate(32);
            try {
                assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(key, 0, buf, 0, 17));
                assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(key, 0, buf, -1, 4));
                assertThrows(IllegalArgumentException.class, () -> aead.seal(key, 0, buf, 0, -1));
                assertThrows(IllegalArgumentException.class, () -> aead.seal(key, 0, buf, 0, Integer.MAX_VALUE));
                assertThrows(IndexOutOfBoundsException.class, () -> aead.open(key, 0, buf, 1, 32));
                assertThrows(IllegalArgumentException.class, () -> aead.open(key, 0, buf, 0, 15));
                assertThrows(IllegalArgumentException.class, () -> aead.seal(key, new byte[11], null, buf, 0, 0));
                assertThrows(NullPointerException.class, () -> aead.seal(key, null, null, buf, 0, 0));
                assertThrows(ReadOnlyBufferException.class, () -> aead.seal(key, 0, buf.asReadOnly(), 0, 16));
            } finally {
                TestBuffers.release(buf);
            }
            assertThrows(IllegalStateException.class, () -> aead.seal(key, 0, buf, 0, 16), "released buffer");
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void refusesDestroyedKeysAndClosedInstances(AeadImplementation implementation) {
        AeadKey key = AeadKey.copyOf(new byte[32]);
        ByteBuf buf = TestBuffers.DIRECT.allocate(64);
        try {
            ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation);
            aead.seal(key, 1, buf, 0, 8);
            key.destroy();
            assertThrows(IllegalStateException.class, () -> aead.seal(key, 1, buf, 0, 8));
            assertThrows(IllegalStateException.class, () -> aead.open(key, 1, buf, 0, 24));
            assertThrows(IllegalStateException.class, () -> aead.sealAt(key, 1, buf.memoryAddress(), 8));
            assertThrows(IllegalStateException.class, () -> aead.openAt(key, 1, buf.memoryAddress(), 24));
            AeadKey live = AeadKey.copyOf(new byte[32]);
            aead.close();
            aead.close();
            assertThrows(IllegalStateException.class, () -> aead.seal(live, 1, buf, 0, 8));
            assertThrows(IllegalStateException.class, () -> aead.open(live, new byte[12], null, buf, 0, 24));
            assertThrows(IllegalStateException.class, () -> aead.sealAt(live, 1, buf.memoryAddress(), 8));
        } finally {
            TestBuffers.release(buf);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void namesItself(AeadImplementation implementation) {
        try (ChaCha20Poly1305 aead = OpenSslRequirement.newInstance(implementation)) {
            String expected = implementation == AeadImplementation.OPENSSL ? "OpenSSL" : "JDK";
            assertTrue(aead.name().startsWith(expected), aead.name());
        }
    }
}
