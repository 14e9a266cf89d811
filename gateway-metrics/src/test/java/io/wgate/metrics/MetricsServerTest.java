package io.wgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.core.testkit.EnginePair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP endpoint on loopback, spoken to with raw requests: what it answers, what it refuses and how, and that
 * nothing a client sends crashes it (it answers a good request afterwards).
 */
class MetricsServerTest {

    private final EnginePair pair = new EnginePair(5);
    private final FakeSource source = new FakeSource(pair, pair.bob.engine);
    private MetricsServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        pair.close();
    }

    private MetricsServer start(MetricsOptions options) throws IOException {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new GatewayMetrics(source, options, "9.9.9"));
        return server;
    }

    /** Sends {@code request} as is and returns everything the server wrote until it closed or went quiet. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            return new String(all, StandardCharsets.UTF_8);
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    }

    private static String status(String response) {
        return response.lines().findFirst().orElse("");
    }

    @Test
    void servesTheThreePathsWithGetAndHead() throws IOException {
        start(MetricsOptions.DEFAULTS);
        String metrics = exchange(get("/metrics"));
        assertEquals("HTTP/1.1 200 OK", status(metrics));
        assertTrue(metrics.contains("content-type: text/plain; version=0.0.4"), metrics);
        assertTrue(metrics.contains("wgate_build_info{version=\"9.9.9\"} 1"), metrics);
        String open = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;"
                + " version=1.0.0\r\nConnection: close\r\n\r\n");
        assertTrue(open.contains("content-type: application/openmetrics-text"), open);
        assertTrue(open.endsWith("# EOF\n"));
        String head = exchange("HEAD /metrics?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", status(head));
        assertTrue(head.endsWith("\r\n\r\n"), "HEAD has no body: " + head);
        assertEquals("HTTP/1.1 200 OK", status(exchange(get("/healthz"))));
        String ready = exchange(get("/readyz"));
        assertEquals("HTTP/1.1 200 OK", status(ready));
        assertTrue(ready.endsWith("ready\n"));
    }

    @Test
    void answersWhatItDoesNotServeWithA4xxAndKeepsServing() throws IOException {
        start(MetricsOptions.DEFAULTS);
        assertEquals("HTTP/1.1 404 Not Found", status(exchange(get("/"))));
        assertEquals("HTTP/1.1 404 Not Found", status(exchange(get("/metrics/../etc/passwd"))));
        String post = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals("HTTP/1.1 405 Method Not Allowed", status(post));
        assertTrue(post.contains("allow: GET, HEAD"), post);
        assertEquals("HTTP/1.1 405 Method Not Allowed", status(exchange(
                "DELETE /readyz HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertEquals("HTTP/1.1 413 Request Entity Too Large", status(exchange(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")));
        assertEquals("HTTP/1.1 400 Bad Request", status(exchange("GET http://elsewhere/ HTTP/1.1\r\n\r\n")));
        assertTrue(status(exchange("BLAH\r\n\r\n")).startsWith("HTTP/1.1 400"));
        assertEquals("HTTP/1.1 414 Request-URI Too Long", status(exchange(get("/" + "a".repeat(5000)))));
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", status(exchange(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")));
        assertTrue(status(exchange("\u0000\u0001\u0002 garbage without an end of line")).startsWith("HTTP/1.1 400"));
        assertEquals("HTTP/1.1 200 OK", status(exchange(get("/metrics"))), "still serving");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        start(MetricsOptions.DEFAULTS);
        String both = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        int metrics = both.indexOf("wgate_build_info");
        int health = both.lastIndexOf("ok\n");
        assertTrue(metrics > 0 && health > metrics, both);
    }

    @Test
    void readinessNamesWhatIsMissingAndCanWaitForAHandshake() throws IOException {
        start(MetricsOptions.parse(MetricsOptions.DEFAULTS, "ready-handshake=180"));
        String noHandshake = exchange(get("/readyz"));
        assertEquals("HTTP/1.1 503 Service Unavailable", status(noHandshake));
        assertTrue(noHandshake.endsWith("not ready: no peer has completed a handshake\n"), noHandshake);
        source.udpBound = false;
        assertTrue(exchange(get("/readyz")).endsWith("not ready: the UDP socket is not bound\n"));
        source.tunUp = false;
        assertTrue(exchange(get("/readyz")).endsWith("not ready: the TUN device wg-test is not up\n"));
        assertEquals("HTTP/1.1 200 OK", status(exchange(get("/healthz"))), "alive all the same");
    }

    @Test
    void anEngineLoopThatDoesNotAnswerGivesA503NotAHang() throws IOException {
        start(MetricsOptions.DEFAULTS);
        source.stuck = true;
        String response = exchange(get("/metrics"));
        assertEquals("HTTP/1.1 503 Service Unavailable", status(response));
        assertTrue(response.contains("did not answer within 2 s"), response);
    }

    @Test
    void anAddressInUseIsNamedInTheError() throws IOException {
        start(MetricsOptions.DEFAULTS);
        BindException e = assertThrows(BindException.class, () -> MetricsServer.start(server.localAddress(),
                new GatewayMetrics(source, MetricsOptions.DEFAULTS, "x")));
        assertTrue(e.getMessage().startsWith("cannot listen for metrics on 127.0.0.1:"
                + server.localAddress().getPort()), e.getMessage());
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        start(MetricsOptions.DEFAULTS);
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 2000);
            socket.setSoTimeout((int) MetricsServer.IDLE_TIMEOUT.toMillis() + 5000);
            long start = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "closed by the server");
            assertTrue(System.nanoTime() - start >= MetricsServer.IDLE_TIMEOUT.toNanos() - 500_000_000L);
        }
    }
}
