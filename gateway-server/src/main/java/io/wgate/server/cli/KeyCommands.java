package io.wgate.server.cli;

import io.wgate.crypto.X25519;
import io.wgate.server.config.WgKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code wgate genkey}, {@code wgate pubkey} and {@code wgate genpsk}, byte-for-byte like wireguard-tools'
 * {@code genkey.c} and {@code pubkey.c}: keys are printed as 44 characters of base64 and a newline;
 * {@code pubkey} reads exactly 44 characters from standard input, accepts only whitespace after them,
 * and fails with exit status 1 and wg's messages otherwise. Key bytes are wiped after use.
 */
public final class KeyCommands {

    /** wg's message for a key that does not decode ({@code pubkey.c}). */
    public static final String BAD_KEY = "Key is not the correct length or format";
    /** wg's message for anything but whitespace after the 44 characters ({@code pubkey.c}). */
    public static final String TRAILING = "Trailing characters found after key";

    private static final List<String> COMMANDS = List.of("genkey", "genpsk", "pubkey");

    private KeyCommands() {
    }

    /** True for {@code genkey}, {@code genpsk} and {@code pubkey}. */
    public static boolean handles(String command) {
        return COMMANDS.contains(command);
    }

    /**
     * Runs one key command.
     *
     * @param args the command name and its arguments (none are accepted, as with {@code wg})
     * @return the exit status: 0 on success, 1 on bad input or usage
     */
    public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !handles(args.getFirst())) {
            throw new IllegalArgumentException("not a key command: " + args);
        }
        String command = args.getFirst();
        if (args.size() != 1) {
            err.println("Usage: wgate " + command);
            return 1;
        }
        return switch (command) {
            case "genkey" -> genkey(out, new SecureRandom());
            case "genpsk" -> genpsk(out, new SecureRandom());
            default -> pubkey(in, out, err);
        };
    }

    /**
     * Prints a new private key: 32 bytes from {@code random}, clamped for X25519
     * ({@code k[0] &= 248; k[31] = (k[31] & 127) | 64}).
     */
    public static int genkey(PrintStream out, SecureRandom random) {
        byte[] raw = new byte[X25519.KEY_LENGTH];
        random.nextBytes(raw);
        byte[] key = X25519.privateKeyFrom(raw);
        try {
            return print(out, key);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Prints a new preshared key: 32 bytes from {@code random}, unclamped. */
    public static int genpsk(PrintStream out, SecureRandom random) {
        byte[] key = new byte[X25519.KEY_LENGTH];
        random.nextBytes(key);
        try {
            return print(out, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Reads a private key in base64 from {@code in} and prints its public key. Whitespace (and NUL) may
     * follow the 44 characters; nothing may precede them.
     *
     * @return 0, or 1 with wg's message on {@code err}
     */
    public static int pubkey(InputStream in, PrintStream out, PrintStream err) {
        byte[] text = new byte[WgKey.BASE64_LENGTH];
        try {
            if (in.readNBytes(text, 0, text.length) != text.length) {
                return fail(err, BAD_KEY);
            }
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c != 0 && !isCSpace(c)) {
                    return fail(err, TRAILING);
                }
            }
            Optional<WgKey> privateKey = WgKey.parseBase64(new String(text, StandardCharsets.ISO_8859_1));
            if (privateKey.isEmpty()) {
                return fail(err, BAD_KEY);
            }
            try {
                return print(out, privateKey.get().publicKey().bytes());
            } finally {
                privateKey.get().wipe();
            }
        } catch (IOException e) {
            return fail(err, "Unable to read private key: " + e.getMessage());
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /** C's {@code isspace} in the C locale. */
    private static boolean isCSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int print(PrintStream out, byte[] key) {
        out.print(Base64.getEncoder().encodeToString(key) + "\n");
        out.flush();
        return 0;
    }

    private static int fail(PrintStream err, String message) {
        err.print("pubkey: " + message + "\n");
        err.flush();
        return 1;
    }
}
