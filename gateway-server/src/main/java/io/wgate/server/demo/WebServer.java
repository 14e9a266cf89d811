package io.wgate.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JDK's {@code jwebserver} serving a directory from inside a namespace
 * ({@code jwebserver -b ADDRESS -p PORT -d DIR}); ready once it prints its URL. Closing stops it.
 */
public final class WebServer implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ChildProcess process;
    private final String address;
    private final int port;

    private WebServer(ChildProcess process, String address, int port) {
        this.process = process;
        this.address = address;
        this.port = port;
    }

    /**
     * Starts serving {@code directory} on {@code address:port} inside {@code namespace};
     * {@link #awaitReady()} waits until it listens.
     *
     * @throws IOException when jwebserver is missing or cannot be started
     */
    public static WebServer launch(Shell shell, JavaRuntime runtime, String namespace, String address, int port,
                                  Path directory, Path log) throws IOException {
        Path jwebserver = runtime.jwebserver();
        if (!Files.isExecutable(jwebserver)) {
            throw new IOException("jwebserver not found at " + jwebserver + ": the demo needs a full JDK 25, not a JRE");
        }
        List<String> command = shell.inNamespace(namespace, List.of(jwebserver.toString(), "-b", address,
                "-p", Integer.toString(port), "-d", directory.toAbsolutePath().toString(), "-o", "info"));
        ChildProcess child = ChildProcess.start("jwebserver on " + address, command, Map.of(), log);
        return new WebServer(child, address, port);
    }

    /**
     * Waits until jwebserver prints its URL (it does so once it listens).
     *
     * @throws IOException with its output when it exits or does not come up in time
     */
    public WebServer awaitReady() throws IOException {
        process.awaitReady("it printed its URL", START_TIMEOUT, p -> p.log().contains("URL http"));
        return this;
    }

    /** {@code http://address:port/path}, an IPv6 address in brackets ({@code http://[fd00:b::2]:8000/path}). */
    public String url(String path) {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return "http://" + host + ":" + port + "/" + path;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
