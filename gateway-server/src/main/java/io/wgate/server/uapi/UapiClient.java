package io.wgate.server.uapi;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A UAPI client over a Unix socket, for {@code wgate show} and tests: what {@code wg} does
 * (wireguard-tools {@code ipc-uapi.h}), with the JDK's blocking {@link SocketChannel}. Works with any
 * UAPI daemon, wireguard-go included. One connection, several requests in turn; not thread-safe.
 *
 * <p>Reads block without a timeout, as {@code wg}'s do.
 */
public final class UapiClient implements AutoCloseable {

    /** Bound on an answer's size, against a runaway daemon. */
    private static final long MAX_ANSWER_BYTES = 256L << 20;
    private static final int MAX_ANSWER_LINE_BYTES = 64 << 10;

    private final String interfaceName;
    private final SocketChannel channel;
    private final InputStream in;

    private UapiClient(String interfaceName, SocketChannel channel) {
        this.interfaceName = interfaceName;
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    /** Connects to {@code /var/run/wireguard/<interfaceName>.sock}. */
    public static UapiClient connect(String interfaceName) throws IOException {
        return connect(UapiSocketFile.DEFAULT_DIRECTORY, interfaceName);
    }

    /** Connects to {@code <directory>/<interfaceName>.sock}. */
    public static UapiClient connect(Path directory, String interfaceName) throws IOException {
        Path socket = UapiSocketFile.pathFor(directory, interfaceName);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot reach interface " + interfaceName + " at " + socket + ": " + e.getMessage(),
                    e);
        }
        return new UapiClient(interfaceName, channel);
    }

    /**
     * The interfaces with a live UAPI socket in {@code /var/run/wireguard}, sorted: every
     * {@code *.sock} that is a socket someone listens on, whoever serves it (as {@code wg show interfaces}).
     */
    public static List<String> interfaces() throws IOException {
        return interfaces(UapiSocketFile.DEFAULT_DIRECTORY);
    }

    /** {@link #interfaces()} in {@code directory}; empty when the directory does not exist. */
    public static List<String> interfaces(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + UapiSocketFile.SUFFIX)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                String name = file.substring(0, file.length() - UapiSocketFile.SUFFIX.length());
                if (name.isEmpty() || name.length() > UapiSocketFile.MAX_INTERFACE_NAME_LENGTH
                        || !UapiSocketFile.isSocket(entry)) {
                    continue;
                }
                try {
                    if (UapiSocketFile.isListening(entry)) {
                        names.add(name);
                    }
                } catch (IOException e) {
                    names.add(name); // exists but we may not connect (permissions): still an interface
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    /** {@code get=1}: the device's configuration and counters. */
    public DeviceStatus get() throws IOException, UapiException {
        send("get=1\n\n");
        return GetResponseParser.parse(interfaceName, readAnswer());
    }

    /**
     * {@code set=1}: sends {@code body} (lines {@code key=value\n}; a missing final newline is added) and
     * returns the daemon's errno, 0 on success.
     *
     * @throws IllegalArgumentException if {@code body} contains a blank line (it would end the request early)
     * @throws IOException if the daemon closed the connection or its answer has no {@code errno=} line
     */
    public int set(String body) throws IOException {
        String lines = body.isEmpty() || body.endsWith("\n") ? body : body + "\n";
        if (lines.startsWith("\n") || lines.contains("\n\n")) {
            throw new IllegalArgumentException("a set body must not contain a blank line");
        }
        send("set=1\n" + lines + "\n");
        List<String> answer = readAnswer();
        if (answer.size() != 1 || !answer.getFirst().startsWith("errno=")) {
            throw new IOException(interfaceName + ": unexpected answer to set: " + answer.size() + " lines");
        }
        try {
            String value = answer.getFirst().substring("errno=".length());
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IOException(interfaceName + ": malformed errno line in answer to set", e);
        }
    }

    private void send(String request) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Reads lines up to the blank line that ends an answer (not included). */
    private List<String> readAnswer() throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        long total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(interfaceName + ": daemon closed the connection before the end of its answer");
            }
            if (++total > MAX_ANSWER_BYTES || line.length() > MAX_ANSWER_LINE_BYTES) {
                throw new IOException(interfaceName + ": answer too large");
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.isEmpty()) {
                return lines;
            }
            lines.add(line.toString());
            line.setLength(0);
        }
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
