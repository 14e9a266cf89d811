package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.tun.testing.Executables;
import io.wgate.tun.testing.RequiresCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyCommandsTest {

    private static final String ALICE_PRIVATE = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
    private static final String ALICE_PUBLIC = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

    /** Output and exit status of one command run in memory. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String command, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KeyCommands.run(List.of(command), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A SecureRandom that hands out a fixed byte, to see clamping. */
    private static SecureRandom constant(int value) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) value);
            }
        };
    }

    @Test
    void pubkeyOfRfc7748Alice() {
        assertEquals(new Run(0, ALICE_PUBLIC + "\n", ""), run("pubkey", ALICE_PRIVATE + "\n"));
        assertEquals(new Run(0, ALICE_PUBLIC + "\n", ""), run("pubkey", ALICE_PRIVATE));
        assertEquals(new Run(0, ALICE_PUBLIC + "\n", ""), run("pubkey", ALICE_PRIVATE + "\r\n\n \t\u000b\f\0"));
    }

    @Test
    void pubkeyMatchesEveryVectorFile() throws IOException {
        try (InputStream in = KeyCommandsTest.class.getResourceAsStream("/vectors/x25519-pubkey.txt")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
            assertEquals(2, lines.size());
            for (String line : lines) {
                String[] pair = line.split(" ");
                assertEquals(new Run(0, pair[1] + "\n", ""), run("pubkey", pair[0] + "\n"), line);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo", "short\n",
        "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=\n", // non-canonical last character
        "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L!o=\n",
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a\n"})
    void pubkeyRejectsMalformedKeysLikeWg(String stdin) {
        Run r = run("pubkey", stdin);
        if (stdin.startsWith("77076d")) { // 64 hex digits: 44 read, the rest is trailing garbage
            assertEquals(new Run(1, "", "pubkey: Trailing characters found after key\n"), r);
        } else {
            assertEquals(new Run(1, "", "pubkey: Key is not the correct length or format\n"), r);
        }
    }

    @Test
    void pubkeyRejectsTrailingAndLeadingCharactersLikeWg() {
        assertEquals(new Run(1, "", "pubkey: " + KeyCommands.TRAILING + "\n"), run("pubkey", ALICE_PRIVATE + " x\n"));
        assertEquals(new Run(1, "", "pubkey: " + KeyCommands.TRAILING + "\n"), run("pubkey", " " + ALICE_PRIVATE + "\n"));
    }

    @Test
    void genkeyPrintsAClampedKey() {
        Run r = run("genkey", "");
        assertEquals(0, r.status());
        assertEquals(45, r.out().length());
        assertTrue(r.out().endsWith("=\n"), r.out());
        byte[] key = Base64.getDecoder().decode(r.out().strip());
        assertEquals(32, key.length);
        assertEquals(0, key[0] & 7);
        assertEquals(0x40, key[31] & 0xc0);
        assertNotEquals(r.out(), run("genkey", "").out());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, KeyCommands.genkey(new PrintStream(out, true, StandardCharsets.UTF_8), constant(0xff)));
        byte[] expected = new byte[32];
        Arrays.fill(expected, (byte) 0xff);
        expected[0] = (byte) 0xf8;
        expected[31] = (byte) 0x7f;
        assertArrayEquals(expected, Base64.getDecoder().decode(out.toString(StandardCharsets.UTF_8).strip()));
    }

    @Test
    void genpskPrintsUnclampedRandomBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, KeyCommands.genpsk(new PrintStream(out, true, StandardCharsets.UTF_8), constant(0xff)));
        assertEquals("//////////////////////////////////////////8=\n", out.toString(StandardCharsets.UTF_8));
        Run r = run("genpsk", "");
        assertEquals(0, r.status());
        assertEquals(45, r.out().length());
    }

    @Test
    void genkeyOutputFeedsPubkey() {
        Run key = run("genkey", "");
        Run pub = run("pubkey", key.out());
        assertEquals(0, pub.status());
        assertEquals(45, pub.out().length());
    }

    @Test
    void rejectsArgumentsWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KeyCommands.run(List.of("genkey", "extra"), InputStream.nullInputStream(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals("Usage: wgate genkey\n", err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        assertTrue(KeyCommands.handles("pubkey"));
        assertTrue(!KeyCommands.handles("up"));
    }

    /** Our pubkey against wireguard-tools' on seeded random scalars (unclamped too) and on wg's own keys. */
    @Test
    @RequiresCommands("wg")
    void agreesWithWgPubkey() throws Exception {
        long seed = new SecureRandom().nextLong();
        System.out.println("KeyCommandsTest.agreesWithWgPubkey seed=" + seed);
        Random random = new Random(seed);
        List<String> privateKeys = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            privateKeys.add(Base64.getEncoder().encodeToString(raw));
        }
        for (int i = 0; i < 4; i++) {
            privateKeys.add(wg(List.of("genkey"), "").strip());
        }
        for (String privateKey : privateKeys) {
            String expected = wg(List.of("pubkey"), privateKey + "\n");
            assertEquals(new Run(0, expected, ""), run("pubkey", privateKey + "\n"), "seed=" + seed);
        }
    }

    private static String wg(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Executables.require("wg").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("wg " + args + " failed");
        }
        return out;
    }
}
