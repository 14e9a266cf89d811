package io.wgate.server.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A reproducible byte stream for transfers whose receiver checks the content: the little-endian bytes of the
 * {@code nextLong()} values of a {@link SplittableRandom} with a given seed, handed out in pieces of any length,
 * so that sender, receiver and test agree on every byte without sharing a file.
 */
final class SeededBytes {

    private final SplittableRandom random;
    private long word;
    private int left;

    SeededBytes(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Fills {@code length} bytes of {@code out} from {@code offset} with the next bytes of the stream. */
    void next(byte[] out, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (left == 0) {
                word = random.nextLong();
                left = 8;
            }
            out[i] = (byte) word;
            word >>>= 8;
            left--;
        }
    }

    /** The SHA-256, in hex, of the first {@code size} bytes of the stream for {@code seed}. */
    static String sha256(long seed, long size) {
        MessageDigest sha256 = newSha256();
        SeededBytes stream = new SeededBytes(seed);
        byte[] chunk = new byte[1 << 16];
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(chunk.length, size - done);
            stream.next(chunk, 0, n);
            sha256.update(chunk, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Writes the first {@code size} bytes of the stream for {@code seed} to {@code file}; returns their SHA-256. */
    static String writeFile(Path file, long size, long seed) throws IOException {
        MessageDigest sha256 = newSha256();
        SeededBytes stream = new SeededBytes(seed);
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(chunk.length, size - done);
                stream.next(chunk, 0, n);
                sha256.update(chunk, 0, n);
                out.write(chunk, 0, n);
                done += n;
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
