package io.wgate.server.demo;

import static io.wgate.server.demo.Addressing.HOST_A;
import static io.wgate.server.demo.Addressing.HOST_B;

import io.wgate.server.cli.Logging;
import io.wgate.server.net.CommandResult;
import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.PeerStatus;
import io.wgate.server.uapi.ShowFormatter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code wgate demo [--peer wgate|wireguard-go]}: builds the two-office network in namespaces
 * ({@link TwoOffices}), runs wgate on the Main Office gateway and wgate or wireguard-go on the Satellite,
 * pings Host B from Host A, fetches a page Host B serves, reports the handshake and both gateways'
 * status, and removes everything. Exit status 0 only when the ping and the fetch both worked.
 */
public final class DemoCommand {

    static final String USAGE = "Usage: wgate demo [--peer wgate|wireguard-go]";
    static final String NEEDS_ROOT = "wgate demo needs root (network namespaces): run sudo ./wgate demo";
    static final int WEB_PORT = 8000;
    static final int PING_COUNT = 3;

    private final PrintStream out;
    private final PrintStream err;
    private final PrintStream rawErr;
    private final boolean verbose;
    /** Set on Ctrl-C: the main thread's output stops, the shutdown hooks clean up. */
    private volatile boolean interrupted;

    private DemoCommand(PrintStream out, PrintStream err) {
        this.out = gated(out);
        this.err = gated(err);
        this.rawErr = err;
        this.verbose = "verbose".equalsIgnoreCase(System.getenv("LOG_LEVEL"))
                || "debug".equalsIgnoreCase(System.getenv("LOG_LEVEL"));
    }

    /** Runs the demo on its own: {@code java -cp wgate.jar io.wgate.server.demo.DemoCommand [--peer ...]}. */
    public static void main(String[] args) {
        Logging.configure();
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the demo; {@code args} are the words after {@code demo}. Returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        GatewayKind peer = GatewayKind.WGATE;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
            if (!arg.equals("--peer") || i + 1 >= args.size()) {
                err.println("wgate demo: " + (arg.equals("--peer") ? "--peer needs a value" : "unexpected argument '"
                        + arg + "'"));
                err.println(USAGE);
                return 1;
            }
            try {
                peer = GatewayKind.parse(args.get(++i));
            } catch (IllegalArgumentException e) {
                err.println("wgate demo: --peer: " + e.getMessage());
                return 1;
            }
        }
        return new DemoCommand(out, err).run(peer);
    }

    private int run(GatewayKind peer) {
        String missing = Prerequisites.missing(peer);
        if (missing != null) {
            err.println(missing);
            return 1;
        }
        JavaRuntime runtime;
        try {
            runtime = JavaRuntime.current();
        } catch (IllegalStateException e) {
            err.println("wgate demo: " + e.getMessage());
            return 1;
        }
        TwoOffices.Options options = new TwoOffices.Options(GatewayKind.WGATE, peer, EndpointMode.BOTH, runtime);
        out.println("wgate demo: Main Office (wgate) <-> Satellite Office (" + peer + ") across a simulated Internet");
        Step step = new Step(out);
        // On Ctrl-C TwoOffices' own hook removes everything; this one says so and silences the main thread,
        // whose steps now fail one after the other as the network goes away.
        Thread onInterrupt = new Thread(() -> {
            interrupted = true;
            rawErr.println("wgate demo: interrupted; removing the network");
        }, "demo-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        TwoOffices offices = null;
        boolean tunnelUp = false;
        try {
            step.begin("network");
            offices = TwoOffices.open(options);
            step.done("Host A " + HOST_A + " - Main gw - Internet router - Satellite gw - Host B " + HOST_B
                    + " (namespaces " + offices.names().tag() + "-*)");
            if (verbose) {
                out.println("  Main Office config (" + offices.mainConfig().interfaceName() + ".conf):");
                out.print(indent(offices.mainConfig().redacted()));
                out.println("  Satellite Office config (" + offices.satelliteConfig().interfaceName() + ".conf):");
                out.print(indent(offices.satelliteConfig().redacted()));
            }

            step.begin("tunnel");
            offices.startGateways();
            tunnelUp = true;
            step.done("wgate " + offices.main().interfaceName() + " and " + peer + " "
                    + offices.satellite().interfaceName() + ", UDP " + Addressing.LISTEN_PORT + ", MTU "
                    + Addressing.TUNNEL_MTU);

            step.begin("ping");
            PingResult ping = new Pinger(offices.shell(), runtime).ping(offices.names().hostA(), HOST_B, PING_COUNT);
            boolean pingOk = ping.received() > 0;
            step.result(pingOk, "Host A -> Host B " + HOST_B + ": " + ping.summary());
            if (!pingOk) {
                out.print(indent(ping.output()));
            }

            step.begin("web");
            FetchResult fetch = fetchPage(offices, runtime, step);
            boolean fetchOk = fetch != null && fetch.status() == 200;

            step.begin("handshake");
            step.result(true, handshake(offices.main()));
            out.println();
            for (Gateway gateway : List.of(offices.main(), offices.satellite())) {
                out.println("  " + gateway.office() + " gateway (" + gateway.kind() + "), like 'wg show':");
                out.print(indent(show(gateway)));
            }
            out.println();
            if (!pingOk || !fetchOk) {
                out.print(indent(offices.diagnostics(15)));
            }
            return finish(offices, pingOk && fetchOk);
        } catch (IOException | RuntimeException e) {
            step.failed(e);
            if (verbose) {
                e.printStackTrace(err);
            }
            if (tunnelUp) { // a failed start already says what the gateway printed
                err.print(indent(offices.diagnostics(20)));
            }
            if (offices != null) {
                finish(offices, false);
            }
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    /** Serves a page from Host B and fetches it from Host A; prints the step's result; null on failure. */
    private static FetchResult fetchPage(TwoOffices offices, JavaRuntime runtime, Step step) throws IOException {
        Path www = Files.createDirectory(offices.workDir().resolve("www"));
        Files.writeString(www.resolve("index.html"), """
                <!doctype html>
                <title>Satellite Office</title>
                <h1>Hello from Host B (192.168.1.2), Satellite Office LAN</h1>
                <p>Served at %s across a WireGuard tunnel run by wgate.</p>
                """.formatted(Instant.now()), StandardCharsets.UTF_8);
        WebServer server = offices.track(WebServer.launch(offices.shell(), runtime, offices.names().hostB(), HOST_B,
                WEB_PORT, www, offices.workDir().resolve("jwebserver.log"))).awaitReady();
        String url = server.url("index.html");
        CommandResult result = offices.shell().run(Duration.ofSeconds(60),
                offices.shell().inNamespace(offices.names().hostA(), runtime.tool(Fetch.class, url)));
        FetchResult fetch = FetchResult.parse(result.stdout()).orElse(null);
        if (fetch == null) {
            step.result(false, "Host A could not fetch " + url + ": "
                    + (result.stdout() + result.stderr()).strip());
            return null;
        }
        step.result(fetch.status() == 200, "Host A fetched " + url + " from jwebserver on Host B: HTTP "
                + fetch.status() + ", " + fetch.bytes() + " bytes, sha256 " + fetch.sha256().substring(0, 16) + "...");
        return fetch;
    }

    /** The Main Office's view of the handshake: from its UAPI status, else from its log. */
    private static String handshake(Gateway main) {
        try {
            PeerStatus peer = main.peer();
            if (!peer.hasHandshake()) {
                return "Main Office: no handshake yet";
            }
            long ago = Math.max(0, Instant.now().getEpochSecond() - peer.lastHandshakeEpochSeconds());
            return "Main Office: handshake done " + ago + " s ago with " + peer.endpoint()
                    .map(e -> e.getAddress().getHostAddress() + ":" + e.getPort()).orElse("(no endpoint)") + ", "
                    + peer.rxBytes() + " bytes received, " + peer.txBytes() + " sent";
        } catch (IOException e) {
            boolean logged = main.log().contains("Handshake complete");
            return "Main Office: " + (logged ? "handshake done" : "no handshake")
                    + " (from its log: its UAPI status is not available)";
        }
    }

    private static String show(Gateway gateway) {
        try {
            DeviceStatus status = gateway.status();
            return ShowFormatter.format(status, Instant.now().getEpochSecond());
        } catch (IOException e) {
            return "(status not available: " + e.getMessage() + ")\n";
        }
    }

    private int finish(TwoOffices offices, boolean ok) {
        offices.close();
        List<String> problems = offices.cleanupProblems();
        if (problems.isEmpty()) {
            out.println("  cleanup    removed the namespaces, tunnel interfaces, run files and " + offices.workDir());
        } else {
            err.println("  cleanup    incomplete:");
            problems.forEach(p -> err.println("    " + p));
        }
        out.println(ok ? "wgate demo: OK: Host A reached Host B through the tunnel (ping and HTTP)"
                : "wgate demo: FAILED (see above)");
        return ok && problems.isEmpty() ? 0 : 1;
    }

    static String indent(String text) {
        StringBuilder out = new StringBuilder();
        text.lines().forEach(l -> out.append(l.isBlank() ? "" : "    " + l).append('\n'));
        return out.toString();
    }

    /** {@code target}, muted once the demo is interrupted. */
    private PrintStream gated(PrintStream target) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                if (!interrupted) {
                    target.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (!interrupted) {
                    target.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** Prints one step per line: name, message, elapsed time. */
    private static final class Step {
        private final PrintStream out;
        private String name = "";
        private long startNanos;

        Step(PrintStream out) {
            this.out = out;
        }

        void begin(String stepName) {
            name = stepName;
            startNanos = System.nanoTime();
        }

        void done(String message) {
            result(true, message);
        }

        void result(boolean ok, String message) {
            out.printf(Locale.ROOT, "  %-10s %s%s (%.1f s)%n", name, ok ? "" : "FAILED: ", message,
                    (System.nanoTime() - startNanos) / 1e9);
        }

        void failed(Exception e) {
            out.printf(Locale.ROOT, "  %-10s FAILED: %s%n", name, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
