package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wgate.core.Engine;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UAPI socket's limits, on a real socket: connection count, idle timeout, and the bytes all requests hold. */
@Timeout(60)
class UapiLimitsTest {

    private static final String IF = "wgt-lim0";

    @TempDir
    Path tmp;

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Engine engine;
    private FakeDevice device;
    private Path dir;

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        engine = TestEngines.engine(43);
        device = new FakeDevice(engine);
        dir = tmp.resolve("run/wireguard");
    }

    @AfterEach
    void stopLoop() throws Exception {
        loop.submit(() -> engine.close()).get(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private SocketChannel connect(UapiServer server) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(server.socketPath()));
        return channel;
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Everything the server sends until it closes the connection. */
    private static String readToEnd(SocketChannel channel) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            text.append(StandardCharsets.US_ASCII.decode(buffer));
            buffer.clear();
        }
        return text.toString();
    }

    /** One answer, up to its blank line. */
    private static String readAnswer(SocketChannel channel) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!text.toString().endsWith("\n\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                break;
            }
            text.append((char) one.get(0));
        }
        return text.toString();
    }

    @Test
    void theConnectionBeyondTheLimitIsTurnedAwayWithEbusyAndALaterOneIsServed() throws Exception {
        UapiLimits limits = new UapiLimits(1 << 20, 1 << 20, 2, Duration.ofSeconds(30));
        try (UapiServer server = UapiServer.start(dir, IF, device, loop, limits);
             SocketChannel first = connect(server); SocketChannel second = connect(server)) {
            write(first, "get=1\n\n");
            assertTrue(readAnswer(first).endsWith("errno=0\n\n"));
            write(second, "get=1\n\n");
            assertTrue(readAnswer(second).endsWith("errno=0\n\n"));
            try (SocketChannel third = connect(server)) {
                assertEquals("errno=-16\n\n", readToEnd(third));
            }
            first.close();
            String answer = "";
            for (int attempt = 0; attempt < 100 && !answer.endsWith("errno=0\n\n"); attempt++) {
                try (SocketChannel later = connect(server)) {
                    write(later, "get=1\n\n");
                    answer = readAnswer(later);
                }
                if (!answer.endsWith("errno=0\n\n")) {
                    Thread.sleep(20); // the server sees the close of 'first' a moment later
                }
            }
            assertTrue(answer.endsWith("errno=0\n\n"), "a place was free again: " + answer);
        }
    }

    @Test
    void aConnectionSilentInTheMiddleOfARequestIsClosedWithEtimedoutAndNothingIsApplied() throws Exception {
        UapiLimits limits = new UapiLimits(1 << 20, 1 << 20, 4, Duration.ofMillis(300));
        try (UapiServer server = UapiServer.start(dir, IF, device, loop, limits);
             SocketChannel silent = connect(server)) {
            write(silent, "set=1\nfwmark=7\n");
            assertEquals("errno=-110\n\n", readToEnd(silent));
            try (SocketChannel check = connect(server)) {
                write(check, "get=1\n\n");
                String status = readAnswer(check);
                assertTrue(!status.contains("fwmark=7"), status);
            }
            try (SocketChannel idle = connect(server)) {
                assertEquals("", readToEnd(idle), "an idle connection between requests is just closed");
            }
        }
    }

    @Test
    void requestsInProgressOnAllConnectionsTogetherAreBoundedAndGiveTheirBytesBack() throws Exception {
        String line = "listen_port=51820\n"; // 18 bytes, valid, repeatable
        UapiLimits limits = new UapiLimits(4096, 4096, 4, Duration.ofSeconds(30));
        try (UapiServer server = UapiServer.start(dir, IF, device, loop, limits);
             SocketChannel big = connect(server); SocketChannel crowding = connect(server)) {
            write(big, "set=1\n" + line.repeat(160)); // about 2.9 KiB held, request unfinished
            Thread.sleep(300); // let the server read it before the other connection
            write(crowding, "set=1\n" + line.repeat(100)); // 1.8 KiB more: beyond 4 KiB in all
            assertEquals("errno=-12\n\n", readToEnd(crowding));
            write(big, "\n");
            assertEquals("errno=0\n\n", readAnswer(big), "the first request is unharmed and applied");
            try (SocketChannel after = connect(server)) {
                write(after, "set=1\n" + line.repeat(100) + "\n");
                assertEquals("errno=0\n\n", readAnswer(after), "the finished request gave its bytes back");
            }
        }
    }

    @Test
    void limitsMustMakeSense() {
        assertThrows(IllegalArgumentException.class, () -> new UapiLimits(0, 1, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new UapiLimits(10, 5, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new UapiLimits(10, 10, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new UapiLimits(10, 10, 1, Duration.ZERO));
        assertEquals(4096, UapiLimits.DEFAULTS.withMaxRequestBytes(4096).maxRequestBytes());
    }
}
