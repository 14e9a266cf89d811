package io.wgate.server.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A tiny HTTP client the demo runs inside Host A's namespace
 * ({@code java -cp wgate.jar io.wgate.server.demo.Fetch URL}), so fetching across the tunnel needs no
 * curl: GETs the URL (no proxy) and prints one line, {@code HTTP 200, 1432 bytes, sha256 <hex>, 12 ms}
 * (see {@link FetchResult}). Exit status 0 for HTTP 200, 1 for another status, 2 when the request fails.
 */
public final class Fetch {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;

    private Fetch() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: java -cp wgate.jar io.wgate.server.demo.Fetch URL");
            System.exit(2);
        }
        try {
            FetchResult result = fetch(URI.create(args[0]));
            System.out.println(result.format());
            System.exit(result.status() == 200 ? 0 : 1);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("fetch " + args[0] + ": " + e);
            System.exit(2);
        }
    }

    /** GETs {@code uri} and digests the body as it arrives. */
    static FetchResult fetch(URI uri) throws IOException {
        long startNanos = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        connection.setReadTimeout(READ_TIMEOUT_MILLIS);
        connection.setUseCaches(false);
        try {
            int status = connection.getResponseCode();
            MessageDigest sha256 = sha256();
            long bytes = 0;
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (body != null) {
                try (InputStream in = body) {
                    byte[] buffer = new byte[64 << 10];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        sha256.update(buffer, 0, n);
                        bytes += n;
                    }
                }
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            return new FetchResult(status, bytes, HexFormat.of().formatHex(sha256.digest()), millis);
        } finally {
            connection.disconnect();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
