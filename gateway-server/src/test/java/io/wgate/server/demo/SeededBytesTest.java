package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeededBytesTest {

    @TempDir
    Path dir;

    @Test
    void isTheLittleEndianBytesOfTheSeededLongs() {
        byte[] bytes = new byte[16];
        new SeededBytes(7).next(bytes, 0, 16);
        SplittableRandom random = new SplittableRandom(7);
        for (int word = 0; word < 2; word++) {
            long value = random.nextLong();
            for (int i = 0; i < 8; i++) {
                assertEquals((byte) (value >>> (8 * i)), bytes[word * 8 + i]);
            }
        }
    }

    @Test
    void piecesOfAnyLengthMakeTheSameStream() {
        byte[] whole = new byte[4000];
        new SeededBytes(42).next(whole, 0, whole.length);
        byte[] pieces = new byte[4000];
        SeededBytes stream = new SeededBytes(42);
        int at = 0;
        for (int length : new int[] {1, 7, 1332, 3, 8, 1332, 1317}) {
            stream.next(pieces, at, length);
            at += length;
        }
        assertEquals(whole.length, at);
        assertArrayEquals(whole, pieces);
    }

    @Test
    void writesTheFileWhoseDigestItReturns() throws Exception {
        Path file = dir.resolve("blob");
        String sha256 = SeededBytes.writeFile(file, 100_003, 5);
        assertEquals(sha256, SeededBytes.sha256(5, 100_003));
        assertEquals(100_003, Files.size(file));
        assertEquals(sha256, HexFormat.of().formatHex(SeededBytes.newSha256().digest(Files.readAllBytes(file))));
    }
}
