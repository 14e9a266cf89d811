package io.wgate.server.cli;

import io.wgate.server.config.ConfigException;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.gateway.Gateway;
import io.wgate.server.gateway.GatewayException;
import io.wgate.server.gateway.GatewayOptions;
import io.wgate.server.gateway.TransportKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code wgate up CONFIG [--foreground] [--transport epoll|io_uring] [--aead auto|openssl|jdk]}: brings
 * up the interface named after the file's base name, as wg-quick does. Without {@code --foreground}
 * it starts the gateway in the background and returns once the interface is up and serving.
 */
public final class UpCommand {

    static final String USAGE = "Usage: wgate up CONFIG [--foreground] [--transport epoll|io_uring]"
            + " [--aead auto|openssl|jdk]";

    private UpCommand() {
    }

    /** Parsed command line. */
    record Arguments(Path config, boolean foreground, GatewayOptions options, List<String> passThrough) {
    }

    static Arguments parse(List<String> args) {
        Path config = null;
        boolean foreground = false;
        GatewayOptions options = GatewayOptions.defaults();
        List<String> passThrough = new ArrayList<>();
        String retries = System.getenv("WG_ENDPOINT_RESOLUTION_RETRIES");
        if (retries != null && !retries.isBlank()) {
            options = options.withEndpointRetries(retries.strip().equals("infinity")
                    ? Integer.MAX_VALUE : Integer.parseInt(retries.strip()));
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--foreground", "-f" -> foreground = true;
                case "--transport", "--aead" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args.get(++i);
                    options = arg.equals("--transport")
                            ? options.withTransport(TransportKind.parse(value)) : options.withAead(value);
                    passThrough.add(arg);
                    passThrough.add(value);
                }
                default -> {
                    if (arg.startsWith("-") || config != null) {
                        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                    }
                    config = Path.of(arg);
                }
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("missing CONFIG");
        }
        return new Arguments(config, foreground, options, passThrough);
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("wgate up: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        WgQuickConfig config;
        try {
            config = WgQuickConfig.parse(arguments.config());
        } catch (NoSuchFileException e) {
            err.println("wgate up: " + arguments.config() + ": no such file");
            return 1;
        } catch (IOException e) {
            err.println("wgate up: cannot read " + arguments.config() + ": " + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            err.println("wgate up: " + e.getMessage());
            return 1;
        }
        for (ConfigWarning warning : config.warnings()) {
            err.println("wgate up: warning: " + warning);
        }
        if (!config.iface().dnsServers().isEmpty() || !config.iface().dnsSearchDomains().isEmpty()) {
            err.println("wgate up: warning: " + arguments.config().getFileName()
                    + ": DNS is not applied: wgate leaves the host's resolver configuration alone");
        }
        if (config.iface().saveConfig()) {
            err.println("wgate up: warning: " + arguments.config().getFileName()
                    + ": SaveConfig is not supported yet: the file is not rewritten on down");
        }
        RunFiles runFiles = RunFiles.system();
        Optional<ProcessHandle> running = runFiles.process(config.interfaceName());
        if (running.isPresent()) {
            err.println("wgate up: " + config.interfaceName() + " is already running (pid " + running.get().pid()
                    + "); stop it with 'wgate down " + config.interfaceName() + "'");
            return 1;
        }
        if (!arguments.foreground()) {
            return Daemon.start(config.interfaceName(), arguments, runFiles, out, err);
        }
        return runForeground(config, arguments.options(), runFiles, err);
    }

    private static int runForeground(WgQuickConfig config, GatewayOptions options, RunFiles runFiles, PrintStream err) {
        String name = config.interfaceName();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, options);
        } catch (GatewayException e) {
            err.println("wgate up: " + e.getMessage());
            return 1;
        }
        long pid = ProcessHandle.current().pid();
        Thread hook = new Thread(() -> {
            gateway.close();
            runFiles.removePid(name, pid);
        }, "wgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runFiles.writePid(name, pid);
        } catch (IOException e) {
            err.println("wgate up: cannot write " + runFiles.pidFile(name) + ": " + e.getMessage());
        }
        String reason = gateway.terminated().join();
        if (!"closed".equals(reason)) {
            err.println("wgate: " + name + " stopped: " + reason);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return 0;
            }
            gateway.close();
            runFiles.removePid(name, pid);
            return 1;
        }
        return 0;
    }
}
