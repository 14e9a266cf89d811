package io.wgate.server.uapi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in UAPI daemon that records every request verbatim and answers {@code errno=0} (after a fixed
 * device description for {@code get}): to capture exactly what {@code wg} sends.
 */
final class RecordingUapiDaemon implements AutoCloseable {

    private final Path socket;
    private final String getAnswer;
    private final ServerSocketChannel server;
    private final Thread thread;
    final List<String> requests = new CopyOnWriteArrayList<>();

    /** Listens on {@code socket}; {@code getAnswer} is the {@code key=value} lines answered to {@code get=1}. */
    RecordingUapiDaemon(Path socket, String getAnswer) throws IOException {
        this.socket = socket;
        this.getAnswer = getAnswer;
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = Thread.ofPlatform().daemon().name("recording-uapi").start(this::serve);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel connection = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = Channels.newOutputStream(connection);
                StringBuilder request = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    request.append(line).append('\n');
                    if (line.isEmpty()) {
                        String text = request.toString();
                        requests.add(text);
                        request.setLength(0);
                        String answer = (text.equals("get=1\n\n") ? getAnswer : "") + "errno=0\n\n";
                        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // closed: stop
            }
        }
    }

    /** The recorded {@code set} bodies: the lines between {@code set=1} and the blank line. */
    List<String> setBodies() {
        return requests.stream().filter(r -> r.startsWith("set=1\n"))
                .map(r -> r.substring("set=1\n".length(), r.length() - 1)).toList();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
        Files.deleteIfExists(socket);
    }
}
