package io.wgate.server.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wgate.core.Engine;
import io.wgate.core.route.Prefix;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link UapiServer} on a real epoll loop, with its socket in a temporary directory (no root needed). */
@Timeout(30)
class UapiServerTest {

    private static final String IF = "wgt-srv0";

    @TempDir
    Path tmp;

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Engine engine;
    private FakeDevice device;
    private Path dir;
    private volatile Thread requestThread;

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        engine = TestEngines.engine(42);
        device = new FakeDevice(engine) {
            @Override
            public Engine engine() {
                requestThread = Thread.currentThread();
                return super.engine();
            }
        };
        dir = tmp.resolve("run/wireguard");
    }

    @AfterEach
    void stopLoop() throws Exception {
        onLoop(() -> {
            engine.close();
            return null;
        });
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private UapiServer start() throws IOException {
        return UapiServer.start(dir, IF, device, loop, UapiServer.DEFAULT_MAX_REQUEST_BYTES);
    }

    @Test
    void servesSetAndGetOnTheEngineLoop() throws Exception {
        try (UapiServer server = start(); UapiClient client = UapiClient.connect(dir, IF)) {
            assertEquals(0, client.set("private_key=" + TestEngines.privateHex(1) + "\nlisten_port=51820\npublic_key="
                    + TestEngines.publicHex(2) + "\nallowed_ip=10.0.0.0/24\n"));
            assertTrue(loop.inEventLoop(requestThread), "requests run on the engine's loop");
            DeviceStatus status = client.get();
            assertEquals(IF, status.interfaceName());
            assertEquals(TestEngines.publicWgKey(1), status.publicKey().orElseThrow());
            assertEquals(51820, status.listenPort());
            assertEquals(List.of(Prefix.parse("10.0.0.0/24")), status.peers().getFirst().allowedIps());
            assertEquals(UapiException.EINVAL, client.set("listen_port=70000"));
            assertEquals(1, onLoop(() -> engine.peers().size()));
            assertEquals(server.socketPath(), dir.resolve(IF + ".sock"));
        }
    }

    @Test
    void answersByteForByteOnTheWire() throws Exception {
        try (UapiServer server = start();
             SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(server.socketPath()));
            raw.write(ByteBuffer.wrap("set=1\nfwmark=3\n\nget=1\n\nset=1\nnope\n\n".getBytes(StandardCharsets.US_ASCII)));
            String expected = "errno=0\n\nfwmark=3\nerrno=0\n\nerrno=-71\n\n";
            assertEquals(expected, read(raw, expected.length()));
        }
    }

    @Test
    void answersInFullAClientThatStopsSendingAfterItsRequest() throws Exception {
        int peers = 3000; // an answer of about 1 MiB: far more than the socket buffer holds
        onLoop(() -> {
            for (int i = 0; i < peers; i++) {
                byte[] key = new byte[32];
                key[0] = (byte) i;
                key[1] = (byte) (i >> 8);
                key[31] = 1;
                engine.addPeer(key);
            }
            return null;
        });
        try (UapiServer server = start();
             SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(server.socketPath()));
            raw.write(ByteBuffer.wrap("get=1\n\n".getBytes(StandardCharsets.US_ASCII)));
            raw.shutdownOutput();
            String answer = read(raw, 4 << 20);
            assertTrue(answer.endsWith("\nerrno=0\n\n"), answer.substring(Math.max(0, answer.length() - 100)));
            assertEquals(peers, answer.lines().filter(l -> l.startsWith("public_key=")).count());
        }
    }

    private static String read(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void createsTheDirectory0755AndTheSocket0600() throws Exception {
        try (UapiServer server = start()) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socketPath())));
            try (var entries = Files.list(dir)) {
                assertEquals(List.of(server.socketPath()), entries.toList(), "no staging directory left behind");
            }
        }
    }

    @Test
    void closeDeletesTheSocketFileAndIsIdempotent() throws Exception {
        UapiServer server = start();
        UapiClient client = UapiClient.connect(dir, IF);
        server.close();
        server.close();
        assertFalse(Files.exists(server.socketPath()));
        assertThrows(IOException.class, () -> UapiClient.connect(dir, IF).close());
        assertThrows(IOException.class, client::get, "open connections are closed too");
        client.close();
    }

    @Test
    void replacesAStaleSocket() throws Exception {
        Files.createDirectories(dir);
        Path path = dir.resolve(IF + ".sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close(); // the file stays: a crashed daemon's leftover
        assertTrue(Files.exists(path));
        try (UapiServer server = start(); UapiClient client = UapiClient.connect(dir, IF)) {
            assertEquals(0, client.set(""));
        }
    }

    @Test
    void refusesWhenAnotherProcessServesTheInterface() throws Exception {
        Files.createDirectories(dir);
        Path path = dir.resolve(IF + ".sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(path));
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, this::start);
            assertEquals("interface " + IF + " is already in use by another process", e.getReason());
            assertTrue(Files.exists(path), "the other process's socket is left alone");
        }
    }

    @Test
    void aSecondServerForTheSameInterfaceIsRefused() throws Exception {
        try (UapiServer first = start()) {
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, this::start);
            assertTrue(e.getReason().contains("already in use"), e.getReason());
            assertTrue(first.socketFileExists());
        }
    }

    @Test
    void refusesToDeleteSomethingThatIsNotASocket() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(IF + ".sock"), "not a socket");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, this::start);
        assertTrue(e.getReason().contains("is not a socket"), e.getReason());
    }

    @Test
    void rejectsInvalidInterfaceNames() {
        for (String name : List.of("", "a/b", "..", "sixteen-chars-xx", "a b", "a:b")) {
            assertThrows(IllegalArgumentException.class,
                    () -> UapiServer.start(dir, name, device, loop, 1024), name);
        }
    }

    @Test
    void refusesToStartOnTheEngineLoop() {
        Exception e = assertThrows(Exception.class, () -> onLoop(this::start));
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    @Test
    void noticesThatItsSocketFileWasDeleted() throws Exception {
        try (UapiServer server = start()) {
            CountDownLatch deleted = new CountDownLatch(1);
            server.watchSocketFile(Duration.ofMillis(20), deleted::countDown);
            assertTrue(server.socketFileExists());
            assertFalse(deleted.await(100, TimeUnit.MILLISECONDS));
            Files.delete(server.socketPath());
            assertFalse(server.socketFileExists());
            assertTrue(deleted.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSocketFileReplacedByAnotherProcessIsNotOurs() throws Exception {
        try (UapiServer server = start()) {
            Files.delete(server.socketPath());
            try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                other.bind(UnixDomainSocketAddress.of(server.socketPath()));
                assertFalse(server.socketFileExists());
                server.close();
                assertTrue(Files.exists(server.socketPath()), "close leaves the other process's socket alone");
            }
        }
    }

    @Test
    void listsInterfacesWithALiveSocket() throws Exception {
        assertEquals(List.of(), UapiClient.interfaces(dir), "no directory: no interfaces");
        try (UapiServer server = start()) {
            Files.writeString(dir.resolve("file.sock"), "x");
            ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            dead.bind(UnixDomainSocketAddress.of(dir.resolve("dead.sock")));
            dead.close();
            try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                foreign.bind(UnixDomainSocketAddress.of(dir.resolve("other0.sock")));
                assertEquals(List.of("other0", IF), UapiClient.interfaces(dir));
            }
        }
    }
}
